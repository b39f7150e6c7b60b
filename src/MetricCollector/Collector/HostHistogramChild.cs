namespace MetricCollector.Collector;

/// <summary>One series of a <see cref="HostHistogram"/>: resolve it once, observe it on every request.</summary>
internal sealed class HostHistogramChild(double[] bounds, HistogramSeries series)
{
    /// <summary>Counts <paramref name="value"/> into its bucket and the sum, under the series' lock; NaN is ignored.</summary>
    public void Observe(double value) => series.Observe(bounds, value);
}
