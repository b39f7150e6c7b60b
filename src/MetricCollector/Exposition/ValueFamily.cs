using System.Runtime.CompilerServices;
using System.Text;
using MetricCollector.Collector;
using MetricCollector.Recording;

namespace MetricCollector.Exposition;

/// <summary>
/// A pushed counter or gauge and the bytes of its family that never change (HELP and TYPE lines, name, label names),
/// made once when the metric is defined. Writes each series line exactly as prometheus-net 8.2.1 does, so that moving
/// counters and gauges out of prometheus-net changed no byte of the exposition (proved by the differential tests in
/// <c>ValueExpositionTests</c>), including prometheus-net's quirks: whitespace-only HELP dropped,
/// <c>Infinity</c> in the text format, <c>.0</c> appended in OpenMetrics to numbers without a point or an exponent.
/// One difference: the HELP text is escaped as each format requires (<see cref="SampleText.EscapeHelp"/>), where
/// prometheus-net writes it as it is and a backslash breaks the exposition.
/// </summary>
internal sealed class ValueFamily : PushedFamily
{
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
        _textHeader = SampleText.Header(name, definition.Help, type, openMetrics: false);

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

        _openMetricsHeader = SampleText.Header(openMetricsName, definition.Help, openMetricsType, openMetrics: true);
        _name = Encoding.UTF8.GetBytes(name);
        var labelNames = definition.LabelNames;
        _labelOpenings = new byte[labelNames.Count][];
        _fixedLineBytes = _name.Length + 1 + SampleText.MaxValueBytes + 1;
        for (int i = 0; i < labelNames.Count; i++)
        {
            _labelOpenings[i] = Encoding.UTF8.GetBytes((i == 0 ? "{" : "\",") + labelNames[i] + "=\"");
            _fixedLineBytes += _labelOpenings[i].Length;
        }

        _fixedLineBytes += 3;
    }

    /// <summary>The metric's series in creation order, the order they are written in.</summary>
    public SeriesRoster<ValueSeries> Roster { get; }

    public override ReadOnlySpan<byte> Header(bool openMetrics) => openMetrics ? _openMetricsHeader : _textHeader;

    public override async ValueTask WriteSeriesAsync(ExpositionBuffer buffer, Stream destination, bool openMetrics, CancellationToken cancellationToken)
    {
        var block = Roster.Current;
        int count = Volatile.Read(ref block.Count);
        int next = 0;
        int needed;
        while ((needed = Fill(buffer, block.Entries, count, ref next, openMetrics)) > 0)
        {
            await buffer.MakeRoomAsync(needed, destination, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The most bytes <see cref="WriteLine"/> can take for a series with these label values.</summary>
    // The per-series methods are fully optimized from the first scrape: a scrape calls them once per series, and tiered
    // compilation would leave them slower for the first few scrapes (measured: 20 ms instead of 7 for 100k series).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public int MaxLineBytes(string[] labelValues) => _fixedLineBytes + SampleText.MaxEscapedBytes(labelValues);

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
                written += SampleText.WriteEscaped(labelValues[i], destination[written..]);
            }

            "\"} "u8.CopyTo(destination[written..]);
            written += 3;
        }

        written += SampleText.WriteValue(value, openMetrics, destination[written..]);
        destination[written++] = (byte)'\n';
        return written;
    }

    /// <summary>
    /// Writes the lines of <paramref name="entries"/> from <paramref name="next"/> until <paramref name="count"/>
    /// (returns 0) or until the next line may not fit (returns the room it needs; <paramref name="next"/> is that
    /// entry). A plain loop apart from the async method, so that its locals stay in registers.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private int Fill(ExpositionBuffer buffer, SeriesRoster<ValueSeries>.Entry[] entries, int count, ref int next, bool openMetrics)
    {
        for (; next < count; next++)
        {
            var (labelValues, series) = entries[next];
            if (!series.IsVisible)
            {
                continue;
            }

            int lineBytes = MaxLineBytes(labelValues);
            if (!buffer.HasRoom(lineBytes))
            {
                return lineBytes;
            }

            buffer.Advance(WriteLine(buffer.Free, labelValues, series.Value, openMetrics));
        }

        return 0;
    }
}
