using System.Text;

namespace MetricCollector.Recording.Validation;

/// <summary>The UTF-16 text of unescaped JSON strings and property names, decoded on the stack.</summary>
internal static class JsonText
{
    /// <summary>Longest raw text decoded on the stack; longer or escaped text becomes a string.</summary>
    public const int StackLimit = 256;

    /// <summary>
    /// Decodes unescaped raw UTF-8 into <paramref name="buffer"/>; the body was checked to be valid UTF-8, so nothing is
    /// replaced.
    /// </summary>
    public static ReadOnlySpan<char> Decode(ReadOnlySpan<byte> raw, Span<char> buffer) =>
        buffer[..Encoding.UTF8.GetChars(raw, buffer)];

    /// <summary>
    /// Where the first <c>\u</c> escape of half a surrogate pair on its own is in <paramref name="escaped"/> (a JSON
    /// string's content, escapes unresolved, as a JSON reader has accepted it), with the UTF-16 unit it stands for in
    /// <paramref name="unit"/>; -1 when every surrogate escape is one half of a pair.
    /// </summary>
    /// <remarks>
    /// Raw UTF-8 cannot hold a surrogate (the body is checked to be valid UTF-8), so only an escape can, and only an
    /// escaped string needs this scan.
    /// </remarks>
    public static int IndexOfUnpairedSurrogateEscape(ReadOnlySpan<byte> escaped, out char unit)
    {
        int i = escaped.IndexOf((byte)'\\');
        while (i >= 0)
        {
            if (escaped[i + 1] != (byte)'u')
            {
                i += 2;
            }
            else
            {
                char c = Hex4(escaped.Slice(i + 2, 4));
                if (char.IsHighSurrogate(c) && IsLowSurrogateEscape(escaped, i + 6))
                {
                    i += 12;
                }
                else if (char.IsSurrogate(c))
                {
                    unit = c;
                    return i;
                }
                else
                {
                    i += 6;
                }
            }

            int next = escaped[i..].IndexOf((byte)'\\');
            i = next < 0 ? -1 : i + next;
        }

        unit = default;
        return -1;
    }

    /// <summary>
    /// A JSON string's content unescaped as Newtonsoft reads it, each unpaired surrogate escape as U+FFFD: what the
    /// reference path's schema check sees, so the compiled validator judges the same text. (System.Text.Json throws
    /// on such an escape instead.)
    /// </summary>
    public static string UnescapeReplacingUnpairedSurrogates(ReadOnlySpan<byte> escaped)
    {
        var text = new StringBuilder(escaped.Length);
        int i = 0;
        while (i < escaped.Length)
        {
            int slash = escaped[i..].IndexOf((byte)'\\');
            text.Append(Encoding.UTF8.GetString(slash < 0 ? escaped[i..] : escaped.Slice(i, slash)));
            if (slash < 0)
            {
                break;
            }

            i += slash;
            byte kind = escaped[i + 1];
            if (kind == (byte)'u')
            {
                char c = Hex4(escaped.Slice(i + 2, 4));
                if (char.IsHighSurrogate(c) && IsLowSurrogateEscape(escaped, i + 6))
                {
                    text.Append(c).Append(Hex4(escaped.Slice(i + 8, 4)));
                    i += 12;
                }
                else
                {
                    text.Append(char.IsSurrogate(c) ? '\uFFFD' : c);
                    i += 6;
                }

                continue;
            }

            text.Append(kind switch
            {
                (byte)'n' => '\n',
                (byte)'r' => '\r',
                (byte)'t' => '\t',
                (byte)'b' => '\b',
                (byte)'f' => '\f',
                _ => (char)kind, // \" \\ \/
            });
            i += 2;
        }

        return text.ToString();
    }

    private static bool IsLowSurrogateEscape(ReadOnlySpan<byte> escaped, int at) =>
        at + 6 <= escaped.Length && escaped[at] == (byte)'\\' && escaped[at + 1] == (byte)'u' && char.IsLowSurrogate(Hex4(escaped.Slice(at + 2, 4)));

    // The reader has checked the four digits.
    private static char Hex4(ReadOnlySpan<byte> digits)
    {
        int value = 0;
        foreach (byte digit in digits)
        {
            value = (value << 4) | (digit <= '9' ? digit - '0' : (digit | 0x20) - 'a' + 10);
        }

        return (char)value;
    }
}
