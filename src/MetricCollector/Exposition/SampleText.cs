using System.Buffers;
using System.Buffers.Text;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;

namespace MetricCollector.Exposition;

/// <summary>
/// The parts of a sample line that every pushed family writes as prometheus-net 8.2.1 does: label values, numbers,
/// the HELP and TYPE lines.
/// </summary>
internal static class SampleText
{
    /// <summary>The most bytes a formatted number takes: "-1.7976931348623157e+308" and ".0" fit, and any long.</summary>
    public const int MaxValueBytes = 32;

    // The characters a label value escapes, as prometheus-net does: backslash, double quote, line feed.
    private static readonly SearchValues<char> Escaped = SearchValues.Create("\\\"\n");

    // The characters a HELP text escapes in the text format 0.0.4: backslash and line feed.
    private static readonly SearchValues<char> HelpEscaped = SearchValues.Create("\\\n");

    // ASCII that is written as it is: everything from U+0000 to U+007F but the escaped three.
    private static readonly SearchValues<char> PlainAscii = SearchValues.Create(PlainAsciiChars());

    /// <summary>
    /// The HELP and TYPE lines of a format. As prometheus-net, no help text when it is only white space. Unlike
    /// prometheus-net, which writes the rest as it is, the help is escaped as the format requires
    /// (<see cref="EscapeHelp"/>): unescaped, a backslash makes the line unparsable (<c>invalid escape sequence</c>)
    /// and a line feed ends it early.
    /// </summary>
    public static byte[] Header(string name, string help, string type, bool openMetrics) =>
        Encoding.UTF8.GetBytes("# HELP " + name + " " + EscapeHelp(help, openMetrics) + "\n# TYPE " + name + " " + type + "\n");

    /// <summary>
    /// A HELP text as the format writes it: empty when it is only white space (as prometheus-net decides on the text
    /// itself); otherwise backslash as <c>\\</c> and line feed as <c>\n</c>, and in OpenMetrics double quote as
    /// <c>\"</c> too. The text format 0.0.4 knows only the first two escapes: promtool refuses <c>\"</c> in a HELP line.
    /// </summary>
    public static string EscapeHelp(string help, bool openMetrics)
    {
        if (string.IsNullOrWhiteSpace(help))
        {
            return "";
        }

        var escaped = openMetrics ? Escaped : HelpEscaped;
        if (help.AsSpan().IndexOfAny(escaped) < 0)
        {
            return help;
        }

        var text = new StringBuilder(help.Length + 8);
        foreach (char c in help)
        {
            switch (c)
            {
                case '\\': text.Append("\\\\"); break;
                case '\n': text.Append("\\n"); break;
                case '"' when openMetrics: text.Append("\\\""); break;
                default: text.Append(c); break;
            }
        }

        return text.ToString();
    }

    /// <summary>The most bytes <see cref="WriteEscaped"/> can take for these values together.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static int MaxEscapedBytes(string[] values)
    {
        // A UTF-16 char takes at most 3 UTF-8 bytes (a surrogate pair 4 for 2 chars); an escaped one takes 2.
        int chars = 0;
        foreach (string value in values)
        {
            chars += value.Length;
        }

        return 3 * chars;
    }

    /// <summary>A label value in UTF-8 with backslash, double quote and line feed escaped; every other character as it is.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static int WriteEscaped(ReadOnlySpan<char> value, Span<byte> destination)
    {
        // Most label values are plain ASCII: one vectorized search and a narrowing copy, no UTF-8 encoder.
        int plain = value.IndexOfAnyExcept(PlainAscii);
        if (plain < 0)
        {
            Ascii.FromUtf16(value, destination, out int copied);
            return copied;
        }

        Ascii.FromUtf16(value[..plain], destination, out int written);
        value = value[plain..];
        while (true)
        {
            int at = value.IndexOfAny(Escaped);
            // Escaped characters are ASCII, so cutting there never splits a surrogate pair.
            written += Encoding.UTF8.GetBytes(at < 0 ? value : value[..at], destination[written..]);
            if (at < 0)
            {
                return written;
            }

            destination[written++] = (byte)'\\';
            destination[written++] = value[at] == '\n' ? (byte)'n' : (byte)value[at];
            value = value[(at + 1)..];
        }
    }

    /// <summary>
    /// A sample value as prometheus-net writes a double: the shortest round-trip "g" form; in OpenMetrics 0, 1 and -1
    /// as 0.0, 1.0 and -1.0, infinities as +Inf/-Inf, and ".0" after any other number that has neither '.' nor 'e'.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static int WriteValue(double value, bool openMetrics, Span<byte> destination)
    {
        if (openMetrics)
        {
            ReadOnlySpan<byte> special = value switch
            {
                0 => "0.0"u8,
                1 => "1.0"u8,
                -1 => "-1.0"u8,
                double.PositiveInfinity => "+Inf"u8,
                double.NegativeInfinity => "-Inf"u8,
                double.NaN => "NaN"u8,
                _ => default,
            };
            if (!special.IsEmpty)
            {
                special.CopyTo(destination);
                return special.Length;
            }
        }

        // Whole numbers below 10^15 (most counters) format as "g" formats them, the digits alone, but without the
        // shortest-round-trip search; -0 is left to "g", which writes "-0".
        if (Math.Abs(value) < 1e15 && value == Math.Truncate(value) && !(value == 0 && double.IsNegative(value)))
        {
            Utf8Formatter.TryFormat((long)value, destination, out int digits);
            if (openMetrics)
            {
                ".0"u8.CopyTo(destination[digits..]);
                digits += 2;
            }

            return digits;
        }

        if (!value.TryFormat(destination, out int written, "g", CultureInfo.InvariantCulture))
        {
            throw new InvalidOperationException("a number did not fit its reserved space");
        }

        if (openMetrics && NeedsDotZero(destination[..written]))
        {
            ".0"u8.CopyTo(destination[written..]);
            written += 2;
        }

        return written;
    }

    /// <summary>A count as prometheus-net writes a long, in both formats: its digits ("D").</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static int WriteCount(long value, Span<byte> destination)
    {
        Utf8Formatter.TryFormat(value, destination, out int written);
        return written;
    }

    /// <summary>
    /// A bucket's upper bound as prometheus-net writes its <c>le</c> label: "g", +Inf as "+Inf", and in OpenMetrics
    /// ".0" after a number with neither '.' nor a lower-case 'e' (so 1 is "1.0" and 1e-05 stays as "g" wrote it;
    /// proved against prometheus-net by <c>HistogramExpositionTests</c>).
    /// </summary>
    public static string BoundText(double bound, bool openMetrics)
    {
        if (double.IsPositiveInfinity(bound))
        {
            return "+Inf";
        }

        // + 0.0 writes a bound sent as -0.0 as 0: the same bound, which le="-0" would spell as another label value.
        string text = (bound + 0.0).ToString("g", CultureInfo.InvariantCulture);
        return openMetrics && text.AsSpan().IndexOfAny('.', 'e') < 0 ? text + ".0" : text;
    }

    private static bool NeedsDotZero(ReadOnlySpan<byte> number) => number.IndexOfAny((byte)'.', (byte)'e') < 0;

    private static string PlainAsciiChars()
    {
        var chars = new StringBuilder(128);
        for (char c = '\0'; c < (char)0x80; c++)
        {
            if (c is not ('\\' or '"' or '\n'))
            {
                chars.Append(c);
            }
        }

        return chars.ToString();
    }
}
