using MetricCollector.Collector;
using MetricCollector.Recording;
using Prometheus;

namespace MetricCollector.Persistence;

/// <summary>Puts a snapshot's series back into a collector: counters keep counting, gauges keep their value.</summary>
internal static class SnapshotRestore
{
    /// <summary>Restores what the collector's limits allow; returns how many series were restored and what was skipped.</summary>
    public static (int Restored, List<string> Skipped) Restore(PrometheusMetricCollector collector, SnapshotDocument snapshot)
    {
        int restored = 0;
        var skipped = new List<string>();
        long now = collector.Now;
        double frequency = collector.TimestampFrequency;
        foreach (var entry in snapshot.Metrics)
        {
            var definition = entry.Definition;
            var metric = collector.DefineRestored(definition, out string? problem);
            if (metric is null)
            {
                skipped.Add($"{definition.Name}: {problem}");
                continue;
            }

            foreach (var series in entry.Series)
            {
                if (series.Labels.Count != definition.LabelNames.Count)
                {
                    skipped.Add($"{definition.Name}: a series has {series.Labels.Count} label values for {definition.LabelNames.Count} names");
                    continue;
                }

                long ttl = series.TimeToLiveSeconds is { } seconds ? (long)(seconds * frequency) : 0;
                if (metric.Restore([.. series.Labels], target => SetState(definition, series, target), now, ttl))
                {
                    restored++;
                }
                else
                {
                    skipped.Add($"{definition.Name}: a series is beyond the series limits");
                }
            }
        }

        return (restored, skipped);
    }

    private static void SetState(MetricDefinition definition, SnapshotSeries series, PushedSeries target)
    {
        switch (target)
        {
            case ValueSeries counter when definition.Type == MetricType.Counter && series.Value is > 0 and var value:
                counter.Add(value);
                break;
            case ValueSeries gauge when definition.Type == MetricType.Gauge && series.Value is { } value:
                gauge.Set(value);
                break;
            case ChildSeries<Histogram.Child> histogram when series.BucketCounts is { } counts && counts.Count == definition.Buckets!.Count + 1:
                Observe(histogram.Child, definition.Buckets, counts, series.Sum ?? 0);
                break;
        }
    }

    /// <summary>
    /// Re-creates exact bucket counts and, as closely as doubles allow, the exact sum: each bucket's observations get
    /// one value inside the bucket, starting from its upper bound and moved toward its lower bound (or, for +Inf,
    /// upward) until the values add up to the recorded sum. Real observations always admit such values.
    /// </summary>
    internal static void Observe(IHistogram histogram, IReadOnlyList<double> bounds, IReadOnlyList<long> counts, double sum)
    {
        int n = counts.Count;
        var values = new double[n];
        double total = 0;
        for (int i = 0; i < n; i++)
        {
            values[i] = i < bounds.Count ? bounds[i] : bounds[^1] + 1;
            total += values[i] * counts[i];
        }

        double remaining = sum - total;
        for (int i = 0; i < n && remaining != 0; i++)
        {
            if (counts[i] == 0)
            {
                continue;
            }

            double lower = i == 0 ? double.NegativeInfinity : Math.BitIncrement(bounds[i - 1]);
            double upper = i < bounds.Count ? bounds[i] : double.PositiveInfinity;
            double wanted = values[i] + (remaining / counts[i]);
            double value = Math.Clamp(wanted, lower, upper);
            remaining -= (value - values[i]) * counts[i];
            values[i] = value;
        }

        for (int i = 0; i < n; i++)
        {
            if (counts[i] > 0)
            {
                histogram.Observe(values[i], counts[i]);
            }
        }
    }
}
