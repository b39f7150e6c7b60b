using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;

namespace MetricCollector.Recording.Validation;

/// <summary>The UTF-16 text of JSON strings and property names, decoded without allocating when they hold no escapes.</summary>
internal static class JsonText
{
    /// <summary>Longest raw text decoded on the stack; longer or escaped text becomes a string.</summary>
    public const int StackLimit = 256;

    /// <summary>The raw UTF-8 content of a string element, without its quotes (escapes not resolved).</summary>
    public static ReadOnlySpan<byte> RawString(JsonElement element) => JsonMarshal.GetRawUtf8Value(element)[1..^1];

    /// <summary>True when the raw text holds an escape and must be unescaped to be read.</summary>
    public static bool IsEscaped(ReadOnlySpan<byte> raw) => raw.IndexOf((byte)'\\') >= 0;

    /// <summary>
    /// Decodes unescaped raw UTF-8 into <paramref name="buffer"/>; the body was checked to be valid UTF-8, so nothing is
    /// replaced.
    /// </summary>
    public static ReadOnlySpan<char> Decode(ReadOnlySpan<byte> raw, Span<char> buffer) =>
        buffer[..Encoding.UTF8.GetChars(raw, buffer)];
}
