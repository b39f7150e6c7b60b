namespace MetricCollector.Recording;

/// <summary>
/// The length of a string as JSON Schema's <c>maxLength</c> and README count it: Unicode code points, so an emoji
/// (a surrogate pair, two UTF-16 units) is one character. A lone surrogate counts as one, and is found by
/// <see cref="IndexOfUnpairedSurrogate"/> (no Unicode string holds one). Compiled into the client too.
/// </summary>
internal static class CodePoints
{
    public static int Count(ReadOnlySpan<char> text)
    {
        int count = text.Length;
        for (int i = 0; i < text.Length - 1; i++)
        {
            if (char.IsHighSurrogate(text[i]) && char.IsLowSurrogate(text[i + 1]))
            {
                count--;
                i++;
            }
        }

        return count;
    }

    /// <summary>The index of the first surrogate in <paramref name="text"/> that is not half of a pair, or -1.</summary>
    public static int IndexOfUnpairedSurrogate(ReadOnlySpan<char> text)
    {
        int i = text.IndexOfAnyInRange('\ud800', '\udfff');
        while (i >= 0)
        {
            if (!char.IsHighSurrogate(text[i]) || i + 1 == text.Length || !char.IsLowSurrogate(text[i + 1]))
            {
                return i;
            }

            i += 2;
            int next = text[i..].IndexOfAnyInRange('\ud800', '\udfff');
            i = next < 0 ? -1 : i + next;
        }

        return -1;
    }
}
