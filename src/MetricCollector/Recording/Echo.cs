using System.Buffers;
using System.Globalization;
using System.Text;

namespace MetricCollector.Recording;

/// <summary>
/// Sender's input quoted back in a refusal (problem details, the warning log): cut to <see cref="MaxLength"/>
/// characters, marked with its length, so a megabyte label name costs a short line rather than megabytes per refusal;
/// control characters written as visible escapes (<c>\n</c>, <c>\u001b</c>), so input cannot forge log lines or
/// drive a terminal.
/// </summary>
internal static class Echo
{
    /// <summary>The most characters of one input quoted back.</summary>
    public const int MaxLength = 128;

    /// <summary>The most characters of a whole refusal sentence: a net for input quoted without <see cref="Of"/>.</summary>
    public const int MaxDetailLength = 2048;

    // C0, DEL, C1, and the line and paragraph separators some viewers break lines at. The backslash is not escaped:
    // an echo is then unchanged by a second pass (RecordRejection passes whole sentences again as a net).
    private static readonly SearchValues<char> Escaped = SearchValues.Create(
        "\u0000\u0001\u0002\u0003\u0004\u0005\u0006\u0007\u0008\u0009\u000a\u000b\u000c\u000d\u000e\u000f" +
        "\u0010\u0011\u0012\u0013\u0014\u0015\u0016\u0017\u0018\u0019\u001a\u001b\u001c\u001d\u001e\u001f" +
        "\u007f\u0080\u0081\u0082\u0083\u0084\u0085\u0086\u0087\u0088\u0089\u008a\u008b\u008c\u008d\u008e\u008f" +
        "\u0090\u0091\u0092\u0093\u0094\u0095\u0096\u0097\u0098\u0099\u009a\u009b\u009c\u009d\u009e\u009f" +
        "\u2028\u2029");

    /// <summary>
    /// <paramref name="text"/> with control characters escaped, or its first characters, an ellipsis and its length when
    /// longer than <paramref name="maxLength"/>; <paramref name="text"/> itself when it needs neither.
    /// </summary>
    public static string Of(string text, int maxLength = MaxLength)
    {
        if (text.Length <= maxLength)
        {
            int first = text.AsSpan().IndexOfAny(Escaped);
            return first < 0 ? text : Escape(text, first);
        }

        // Never split a surrogate pair: the answer is UTF-8 JSON. Cut before escaping, so no escape is cut in two.
        int cut = char.IsHighSurrogate(text[maxLength - 1]) ? maxLength - 1 : maxLength;
        var head = text.AsSpan(0, cut);
        int control = head.IndexOfAny(Escaped);
        string length = text.Length.ToString(CultureInfo.InvariantCulture);
        return control < 0
            ? string.Concat(head, "…(", length, " characters)")
            : string.Concat(Escape(head, control), "…(", length, " characters)");
    }

    /// <summary>A JSON Pointer with every reference token cut and escaped as <see cref="Of"/> does it.</summary>
    public static string Pointer(string pointer)
    {
        if (pointer.Length <= MaxLength)
        {
            return Of(pointer);
        }

        var tokens = pointer.Split('/');
        for (int i = 0; i < tokens.Length; i++)
        {
            tokens[i] = Of(tokens[i]);
        }

        return string.Join('/', tokens);
    }

    private static string Escape(ReadOnlySpan<char> text, int first)
    {
        var escaped = new StringBuilder(text.Length + 16);
        escaped.Append(text[..first]);
        for (int i = first; i < text.Length; i++)
        {
            char c = text[i];
            switch (c)
            {
                case '\n':
                    escaped.Append("\\n");
                    break;
                case '\r':
                    escaped.Append("\\r");
                    break;
                case '\t':
                    escaped.Append("\\t");
                    break;
                default:
                    if (Escaped.Contains(c))
                    {
                        escaped.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        escaped.Append(c);
                    }

                    break;
            }
        }

        return escaped.ToString();
    }
}
