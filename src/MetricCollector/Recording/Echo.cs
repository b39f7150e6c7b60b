using System.Globalization;

namespace MetricCollector.Recording;

/// <summary>
/// Sender's input quoted back in a refusal (problem details, the warning log): cut to <see cref="MaxLength"/>
/// characters, marked with its length, so a megabyte label name costs a short line rather than megabytes per refusal.
/// </summary>
internal static class Echo
{
    /// <summary>The most characters of one input quoted back.</summary>
    public const int MaxLength = 128;

    /// <summary>The most characters of a whole refusal sentence: a net for input quoted without <see cref="Of"/>.</summary>
    public const int MaxDetailLength = 2048;

    /// <summary><paramref name="text"/>, or its first characters, an ellipsis and its length when longer than <paramref name="maxLength"/>.</summary>
    public static string Of(string text, int maxLength = MaxLength)
    {
        if (text.Length <= maxLength)
        {
            return text;
        }

        // Never split a surrogate pair: the answer is UTF-8 JSON.
        int cut = char.IsHighSurrogate(text[maxLength - 1]) ? maxLength - 1 : maxLength;
        return string.Concat(text.AsSpan(0, cut), "…(", text.Length.ToString(CultureInfo.InvariantCulture), " characters)");
    }

    /// <summary>A JSON Pointer with every reference token cut as <see cref="Of"/> cuts it.</summary>
    public static string Pointer(string pointer)
    {
        if (pointer.Length <= MaxLength)
        {
            return pointer;
        }

        var tokens = pointer.Split('/');
        for (int i = 0; i < tokens.Length; i++)
        {
            tokens[i] = Of(tokens[i]);
        }

        return string.Join('/', tokens);
    }
}
