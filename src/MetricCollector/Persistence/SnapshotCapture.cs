using MetricCollector.Collector;

namespace MetricCollector.Persistence;

/// <summary>
/// Takes the state of every pushed series: counter and gauge values, and histogram bucket counts and sums, each
/// histogram series copied at one moment (<see cref="HistogramSeries.CopyTo"/>), and summary counts and sums (not their
/// quantile windows, which cover the last minutes and start over after a restart).
/// </summary>
internal static class SnapshotCapture
{
    public static SnapshotDocument Capture(PrometheusMetricCollector collector, DateTimeOffset now)
    {
        var metrics = new List<SnapshotMetric>(collector.PushedMetrics.Count);
        double frequency = collector.TimestampFrequency;
        long taken = collector.Now;
        foreach (var metric in collector.PushedMetrics)
        {
            var definition = metric.Definition;
            var series = new List<SnapshotSeries>(metric.SeriesCount);
            metric.ForEachSeries((labels, state) =>
            {
                long ttl = state.TimeToLive;
                double? ttlSeconds = ttl > 0 ? ttl / frequency : null;
                var entry = state switch
                {
                    // A series not yet written (or already removed) has nothing to keep; it is in the next snapshot.
                    ValueSeries value when value.IsVisible => new SnapshotSeries([.. labels], value.Value, null, null, ttlSeconds),
                    HistogramSeries histogram when histogram.IsVisible => CaptureHistogram(labels, histogram, ttlSeconds),
                    SummarySeries summary when summary.IsVisible => CaptureSummary(labels, summary, ttlSeconds),
                    _ => null,
                };
                if (entry is not null)
                {
                    // The time it has gone without a record: a restore gives it only what is left of its time to live,
                    // its own or the default (a series on the default, saved without it, started its time again at every
                    // restart, and with restarts more often than the default never expired: a review).
                    series.Add(entry with { IdleSeconds = Math.Max(0, taken - state.LastUpdate) / frequency });
                }
            });
            metrics.Add(new SnapshotMetric(definition, series));
        }

        return new SnapshotDocument(SnapshotDocument.CurrentVersion, now, metrics);
    }

    private static SnapshotSeries CaptureHistogram(string[] labels, HistogramSeries histogram, double? ttlSeconds)
    {
        var counts = new long[histogram.BucketCount];
        double sum = histogram.CopyTo(counts);
        return new SnapshotSeries([.. labels], null, counts, sum, ttlSeconds);
    }

    private static SnapshotSeries CaptureSummary(string[] labels, SummarySeries summary, double? ttlSeconds)
    {
        var (count, sum) = summary.Totals();
        return new SnapshotSeries([.. labels], null, null, sum, ttlSeconds) { Count = count };
    }
}
