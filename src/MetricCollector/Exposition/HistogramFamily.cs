using System.Runtime.CompilerServices;
using System.Text;
using MetricCollector.Collector;

namespace MetricCollector.Exposition;

/// <summary>
/// A pushed histogram and the bytes of its family that never change (HELP and TYPE lines, the sample names, label
/// names, each bucket's <c>le</c> label in both formats), made once when the metric is defined. Writes each series as
/// prometheus-net 8.2.1 does (proved byte for byte by <c>HistogramExpositionTests</c>): <c>_sum</c>, <c>_count</c>,
/// then one <c>_bucket</c> line per upper bound, cumulative, <c>le</c> last among the labels; counts as integers in
/// both formats, the sum as any other double. Unlike prometheus-net, the HELP text is escaped as each format requires
/// (<see cref="SampleText.EscapeHelp"/>), and every series is written from one copy of its
/// state (<see cref="HistogramSeries.CopyTo"/>), so <c>_count</c> always equals the <c>+Inf</c> bucket.
/// </summary>
internal sealed class HistogramFamily : PushedFamily
{
    private readonly byte[] _textHeader;
    private readonly byte[] _openMetricsHeader;
    private readonly SumAndCountLines _sumAndCount;
    private readonly byte[] _bucketName;

    // Per upper bound, the end of a bucket line's labels: le="0.005"} (with a space), in each format.
    private readonly byte[][] _textLe;
    private readonly byte[][] _openMetricsLe;
    private readonly int _bounds;
    private readonly int _fixedSeriesBytes;

    public HistogramFamily(PushedMetric<HistogramSeries> metric)
        : this(metric.Definition, metric.Roster ?? throw new ArgumentException("the metric must keep its series in creation order", nameof(metric)))
    {
    }

    /// <param name="definition">The histogram's name, help, label names (in the order its series' values come) and buckets.</param>
    /// <param name="roster">Its series in creation order.</param>
    public HistogramFamily(MetricDefinition definition, SeriesRoster<HistogramSeries> roster)
    {
        Roster = roster;
        string name = definition.Name;
        _textHeader = SampleText.Header(name, definition.Help, "histogram", openMetrics: false);
        _openMetricsHeader = SampleText.Header(name, definition.Help, "histogram", openMetrics: true);
        _sumAndCount = new SumAndCountLines(name, definition.LabelNames);
        _bucketName = Encoding.UTF8.GetBytes(name + "_bucket");
        int labelBytes = _sumAndCount.LabelBytes;

        double[] bounds = HistogramSeries.UpperBounds(definition.Buckets!);
        _bounds = bounds.Length;
        _textLe = new byte[_bounds][];
        _openMetricsLe = new byte[_bounds][];
        int leBytes = 0;
        for (int i = 0; i < _bounds; i++)
        {
            _textLe[i] = Encoding.UTF8.GetBytes("le=\"" + SampleText.BoundText(bounds[i], openMetrics: false) + "\"} ");
            _openMetricsLe[i] = Encoding.UTF8.GetBytes("le=\"" + SampleText.BoundText(bounds[i], openMetrics: true) + "\"} ");
            leBytes = Math.Max(leBytes, _openMetricsLe[i].Length);
        }

        // Every line at its longest: the longest name, "{", the label part and its closing quote, ",", the longest le,
        // a number and the line feed; one line per bucket, then _sum and _count.
        int lineBytes = _bucketName.Length + 1 + labelBytes + 1 + 1 + leBytes + SampleText.MaxValueBytes + 1;
        _fixedSeriesBytes = (_bounds + 2) * lineBytes;
    }

    /// <summary>The metric's series in creation order, the order they are written in.</summary>
    public SeriesRoster<HistogramSeries> Roster { get; }

    public override ReadOnlySpan<byte> Header(bool openMetrics) => openMetrics ? _openMetricsHeader : _textHeader;

    public override async ValueTask WriteSeriesAsync(ExpositionBuffer buffer, Stream destination, bool openMetrics, CancellationToken cancellationToken)
    {
        var block = Roster.Current;
        int count = Volatile.Read(ref block.Count);
        // A series' counts are copied here, one series at a time; a scrape's one allocation per histogram family.
        var counts = new long[_bounds];
        int next = 0;
        int needed;
        while ((needed = Fill(buffer, block.Entries, count, ref next, counts, openMetrics)) > 0)
        {
            await buffer.MakeRoomAsync(needed, destination, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The most bytes <see cref="WriteSeries"/> can take for a series with these label values.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public int MaxSeriesBytes(string[] labelValues) =>
        // The label values are written once; the other lines copy those bytes.
        _fixedSeriesBytes + ((_bounds + 2) * SampleText.MaxEscapedBytes(labelValues));

    /// <summary>
    /// Writes the lines of one series, its <paramref name="counts"/> per bucket and <paramref name="sum"/>, into
    /// <paramref name="destination"/>, which holds at least <see cref="MaxSeriesBytes"/>; returns the bytes written.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public int WriteSeries(Span<byte> destination, string[] labelValues, ReadOnlySpan<long> counts, double sum, bool openMetrics)
    {
        long total = 0;
        for (int i = 0; i < counts.Length; i++)
        {
            total += counts[i];
        }

        int written = _sumAndCount.Write(destination, labelValues, sum, total, openMetrics, out var labels);

        // name_bucket{labels,le="bound"} cumulative, for each bound in order; the last, +Inf, is the total.
        byte[][] le = openMetrics ? _openMetricsLe : _textLe;
        long cumulative = 0;
        for (int i = 0; i < counts.Length; i++)
        {
            written += SumAndCountLines.WriteNameAndLabels(destination[written..], _bucketName, destination[labels], le[i]);
            cumulative += counts[i];
            written += SampleText.WriteCount(cumulative, destination[written..]);
            destination[written++] = (byte)'\n';
        }

        return written;
    }

    /// <summary>
    /// Writes the series of <paramref name="entries"/> from <paramref name="next"/> until <paramref name="count"/>
    /// (returns 0) or until the next series may not fit (returns the room it needs; <paramref name="next"/> is that
    /// entry). Each series is copied under its lock and written from the copy, so the lock is never held while
    /// formatting, let alone across the await that writes the buffer out.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private int Fill(ExpositionBuffer buffer, SeriesRoster<HistogramSeries>.Entry[] entries, int count, ref int next, long[] counts, bool openMetrics)
    {
        for (; next < count; next++)
        {
            var (labelValues, series) = entries[next];
            if (!series.IsVisible)
            {
                continue;
            }

            int seriesBytes = MaxSeriesBytes(labelValues);
            if (!buffer.HasRoom(seriesBytes))
            {
                return seriesBytes;
            }

            double sum = series.CopyTo(counts);
            buffer.Advance(WriteSeries(buffer.Free, labelValues, counts, sum, openMetrics));
        }

        return 0;
    }
}
