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
}
