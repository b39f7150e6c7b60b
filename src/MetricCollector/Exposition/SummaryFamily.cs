using System.Runtime.CompilerServices;
using System.Text;
using MetricCollector.Collector;

namespace MetricCollector.Exposition;

/// <summary>
/// A pushed summary and the bytes of its family that never change (HELP and TYPE lines, the sample names, label
/// names, each objective's <c>quantile</c> label in both formats), made once when the metric is defined. Writes each
/// series as prometheus-net 8.2.1 does (proved byte for byte by <c>SummaryExpositionTests</c>): <c>_sum</c>,
/// <c>_count</c> (an integer in both formats), then one line per objective, <c>quantile</c> last among the labels, in
/// the order of the objectives; a window with no observation shows <c>NaN</c>. Unlike prometheus-net, the HELP text
/// is escaped as each format requires (<see cref="SampleText.EscapeHelp"/>), and every series is written from one
/// copy of its state (<see cref="SummarySeries.CopyTo"/>).
/// </summary>
internal sealed class SummaryFamily : PushedFamily
{
    private readonly double[] _quantiles;
    private readonly TimeProvider _time;
    private readonly byte[] _textHeader;
    private readonly byte[] _openMetricsHeader;
    private readonly byte[] _name;
    private readonly SumAndCountLines _sumAndCount;

    // Per objective, the end of its line's labels: quantile="0.5"} (with a space), in each format.
    private readonly byte[][] _textQuantile;
    private readonly byte[][] _openMetricsQuantile;
    private readonly int _fixedSeriesBytes;

    /// <param name="metric">The summary, which keeps its series in creation order.</param>
    /// <param name="time">The clock its series' quantile windows follow.</param>
    public SummaryFamily(PushedMetric<SummarySeries> metric, TimeProvider time)
    {
        Roster = metric.Roster ?? throw new ArgumentException("the metric must keep its series in creation order", nameof(metric));
        _time = time;
        var definition = metric.Definition;
        string name = definition.Name;
        _textHeader = SampleText.Header(name, definition.Help, "summary", openMetrics: false);
        _openMetricsHeader = SampleText.Header(name, definition.Help, "summary", openMetrics: true);
        _name = Encoding.UTF8.GetBytes(name);
        _sumAndCount = new SumAndCountLines(name, definition.LabelNames);
        int labelBytes = _sumAndCount.LabelBytes;

        var objectives = definition.Objectives!;
        _quantiles = new double[objectives.Count];
        for (int i = 0; i < objectives.Count; i++)
        {
            _quantiles[i] = objectives[i].Quantile;
        }

        var quantiles = _quantiles;
        _textQuantile = new byte[quantiles.Length][];
        _openMetricsQuantile = new byte[quantiles.Length][];
        int quantileBytes = 0;
        for (int i = 0; i < quantiles.Length; i++)
        {
            _textQuantile[i] = Encoding.UTF8.GetBytes("quantile=\"" + SampleText.BoundText(quantiles[i], openMetrics: false) + "\"} ");
            _openMetricsQuantile[i] = Encoding.UTF8.GetBytes("quantile=\"" + SampleText.BoundText(quantiles[i], openMetrics: true) + "\"} ");
            quantileBytes = Math.Max(quantileBytes, Math.Max(_textQuantile[i].Length, _openMetricsQuantile[i].Length));
        }

        // Every line at its longest: the longest name, "{", the label part and its closing quote, ",", the longest
        // quantile label, a number and the line feed; one line per objective, then _sum and _count.
        int lineBytes = _sumAndCount.LongestName + 1 + labelBytes + 1 + 1 + quantileBytes + SampleText.MaxValueBytes + 1;
        _fixedSeriesBytes = (quantiles.Length + 2) * lineBytes;
    }

    /// <summary>The metric's series in creation order, the order they are written in.</summary>
    public SeriesRoster<SummarySeries> Roster { get; }

    public override ReadOnlySpan<byte> Header(bool openMetrics) => openMetrics ? _openMetricsHeader : _textHeader;

    public override async ValueTask WriteSeriesAsync(ExpositionBuffer buffer, Stream destination, bool openMetrics, CancellationToken cancellationToken)
    {
        var block = Roster.Current;
        int count = Volatile.Read(ref block.Count);
        // A series' quantiles are copied here, one series at a time; a scrape's one allocation per summary family.
        var quantiles = new double[_quantiles.Length];
        long now = _time.GetTimestamp();
        int next = 0;
        int needed;
        while ((needed = Fill(buffer, block.Entries, count, ref next, quantiles, now, openMetrics)) > 0)
        {
            await buffer.MakeRoomAsync(needed, destination, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The most bytes <see cref="WriteSeries"/> can take for a series with these label values.</summary>
    public int MaxSeriesBytes(string[] labelValues) =>
        // The label values are written once; the other lines copy those bytes.
        _fixedSeriesBytes + ((_quantiles.Length + 2) * SampleText.MaxEscapedBytes(labelValues));

    /// <summary>
    /// Writes the lines of one series, its <paramref name="count"/>, <paramref name="sum"/> and
    /// <paramref name="quantiles"/> (in the order of the objectives), into <paramref name="destination"/>, which holds
    /// at least <see cref="MaxSeriesBytes"/>; returns the bytes written.
    /// </summary>
    public int WriteSeries(Span<byte> destination, string[] labelValues, long count, double sum, ReadOnlySpan<double> quantiles, bool openMetrics)
    {
        int written = _sumAndCount.Write(destination, labelValues, sum, count, openMetrics, out var labels);

        // name{labels,quantile="q"} value, for each objective in order.
        byte[][] quantileLabels = openMetrics ? _openMetricsQuantile : _textQuantile;
        for (int i = 0; i < quantiles.Length; i++)
        {
            written += SumAndCountLines.WriteNameAndLabels(destination[written..], _name, destination[labels], quantileLabels[i]);
            written += SampleText.WriteValue(quantiles[i], openMetrics, destination[written..]);
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
    private int Fill(ExpositionBuffer buffer, SeriesRoster<SummarySeries>.Entry[] entries, int count, ref int next, double[] quantiles, long now, bool openMetrics)
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

            var (observed, sum) = series.CopyTo(_quantiles, quantiles, now);
            buffer.Advance(WriteSeries(buffer.Free, labelValues, observed, sum, quantiles, openMetrics));
        }

        return 0;
    }
}
