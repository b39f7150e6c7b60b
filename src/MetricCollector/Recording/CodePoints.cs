namespace MetricCollector.Recording;

/// <summary>
/// The length of a string as JSON Schema's <c>maxLength</c> and README count it: Unicode code points, so an emoji
/// (a surrogate pair, two UTF-16 units) is one character. A lone surrogate counts as one.
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
}
