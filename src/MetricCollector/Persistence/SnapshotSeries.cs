namespace MetricCollector.Persistence;

/// <summary>
/// One series: its label values in the metric's label order and its state. Counters and gauges: <see cref="Value"/>.
/// Histograms: <see cref="BucketCounts"/> (per bucket, not cumulative, the last for +Inf) and <see cref="Sum"/>.
/// Summaries: <see cref="Count"/> and <see cref="Sum"/> (their quantile window is not kept).
/// </summary>
/// <param name="Labels">Label values, in the order of the definition's label names.</param>
/// <param name="Value">Counter or gauge value.</param>
/// <param name="BucketCounts">Histogram: observations per bucket.</param>
/// <param name="Sum">Histogram or summary: the sum of observations.</param>
/// <param name="TimeToLiveSeconds">The series' time to live, if it has one.</param>
internal sealed record SnapshotSeries(IReadOnlyList<string> Labels, double? Value, IReadOnlyList<long>? BucketCounts, double? Sum, double? TimeToLiveSeconds)
{
    /// <summary>
    /// For a series with a time to live: how long it had gone without a record when the snapshot was taken, so that a
    /// restore gives it only the time it had left. Absent in snapshots written before it was kept (read as 0).
    /// </summary>
    public double? IdleSeconds { get; init; }

    /// <summary>Summary: how many observations it has had. Absent in snapshots written before summaries were kept.</summary>
    public long? Count { get; init; }
}
