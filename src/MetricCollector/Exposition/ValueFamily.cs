using System.Buffers;
using System.Buffers.Text;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using MetricCollector.Collector;
using MetricCollector.Recording;

namespace MetricCollector.Exposition;

/// <summary>
/// A pushed counter or gauge and the bytes of its family that never change (HELP and TYPE lines, name, label names),
/// made once when the metric is defined. Writes each series line exactly as prometheus-net 8.2.1 does, so that moving
/// counters and gauges out of prometheus-net changed no byte of the exposition (proved by the differential tests in
/// <c>ValueExpositionTests</c>), including prometheus-net's quirks: HELP text unescaped, whitespace-only HELP dropped,
/// <c>Infinity</c> in the text format, <c>.0</c> appended in OpenMetrics to numbers without a point or an exponent.
/// </summary>
internal sealed class ValueFamily
{
    /// <summary>The most bytes a formatted number takes: "-1.7976931348623157e+308" and ".0" fit.</summary>
    private const int MaxValueBytes = 32;

    // The characters a label value escapes, as prometheus-net does: backslash, double quote, line feed.
    private static readonly SearchValues<char> Escaped = SearchValues.Create("\\\"\n");

    // ASCII that is written as it is: everything from U+0000 to U+007F but the escaped three.
    private static readonly SearchValues<char> PlainAscii = SearchValues.Create(PlainAsciiChars());

    private readonly byte[] _textHeader;
    private readonly byte[] _openMetricsHeader;
    private readonly byte[] _name;

    // Label i's opening: "{name=\"" for the first, "\",name=\"" for the others; the line's label part ends with "\"} ".
    private readonly byte[][] _labelOpenings;
    private readonly int _fixedLineBytes;

    public ValueFamily(PushedMetric<ValueSeries> metric)
    {
        Roster = metric.Roster ?? throw new ArgumentException("the metric must keep its series in creation order", nameof(metric));
        var definition = metric.Definition;
        bool counter = definition.Type == MetricType.Counter;
        string name = definition.Name;
        string type = counter ? "counter" : "gauge";
        // prometheus-net writes no help text when it is only white space, and the rest as it is, unescaped.
        string help = string.IsNullOrWhiteSpace(definition.Help) ? "" : definition.Help;
        _textHeader = Header(name, help, type);

        // OpenMetrics names a counter's family without "_total"; a counter without it is typed "unknown".
        string openMetricsName = name;
        string openMetricsType = type;
        if (counter)
        {
            if (name.EndsWith("_total", StringComparison.Ordinal))
            {
                openMetricsName = name[..^"_total".Length];
            }
            else
            {
                openMetricsType = "unknown";
            }
        }

        _openMetricsHeader = Header(openMetricsName, help, openMetricsType);
        _name = Encoding.UTF8.GetBytes(name);
        var labelNames = definition.LabelNames;
        _labelOpenings = new byte[labelNames.Count][];
        _fixedLineBytes = _name.Length + 1 + MaxValueBytes + 1;
        for (int i = 0; i < labelNames.Count; i++)
        {
            _labelOpenings[i] = Encoding.UTF8.GetBytes((i == 0 ? "{" : "\",") + labelNames[i] + "=\"");
            _fixedLineBytes += _labelOpenings[i].Length;
        }

        _fixedLineBytes += 3;
    }

    /// <summary>The metric's series in creation order, the order they are written in.</summary>
    public SeriesRoster<ValueSeries> Roster { get; }

    /// <summary>The HELP and TYPE lines.</summary>
    public ReadOnlySpan<byte> Header(bool openMetrics) => openMetrics ? _openMetricsHeader : _textHeader;

    /// <summary>The most bytes <see cref="WriteLine"/> can take for a series with these label values.</summary>
    // The per-series methods are fully optimized from the first scrape: a scrape calls them once per series, and tiered
    // compilation would leave them slower for the first few scrapes (measured: 20 ms instead of 7 for 100k series).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public int MaxLineBytes(string[] labelValues)
    {
        // A UTF-16 char takes at most 3 UTF-8 bytes (a surrogate pair 4 for 2 chars); an escaped one takes 2.
        int chars = 0;
        foreach (string value in labelValues)
        {
            chars += value.Length;
        }

        return _fixedLineBytes + (3 * chars);
    }

    /// <summary>
    /// Writes one sample line, <c>name{label="value",...} number\n</c>, into <paramref name="destination"/>, which
    /// holds at least <see cref="MaxLineBytes"/>; returns the bytes written.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public int WriteLine(Span<byte> destination, string[] labelValues, double value, bool openMetrics)
    {
        _name.CopyTo(destination);
        int written = _name.Length;
        if (labelValues.Length == 0)
        {
            destination[written++] = (byte)' ';
        }
        else
        {
            for (int i = 0; i < labelValues.Length; i++)
            {
                byte[] opening = _labelOpenings[i];
                opening.CopyTo(destination[written..]);
                written += opening.Length;
                written += WriteEscaped(labelValues[i], destination[written..]);
            }

            "\"} "u8.CopyTo(destination[written..]);
            written += 3;
        }

        written += WriteValue(value, openMetrics, destination[written..]);
        destination[written++] = (byte)'\n';
        return written;
    }

    /// <summary>A label value in UTF-8 with backslash, double quote and line feed escaped; every other character as it is.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static int WriteEscaped(ReadOnlySpan<char> value, Span<byte> destination)
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
    internal static int WriteValue(double value, bool openMetrics, Span<byte> destination)
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

        if (openMetrics && destination[..written].IndexOfAny((byte)'.', (byte)'e') < 0)
        {
            ".0"u8.CopyTo(destination[written..]);
            written += 2;
        }

        return written;
    }

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

    private static byte[] Header(string name, string help, string type) =>
        Encoding.UTF8.GetBytes("# HELP " + name + " " + help + "\n# TYPE " + name + " " + type + "\n");
}
