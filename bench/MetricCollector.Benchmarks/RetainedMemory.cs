using MetricCollector.Collector;
using MetricCollector.Recording;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Prometheus;

namespace MetricCollector.Benchmarks;

/// <summary>
/// Where the memory of a pushed series goes: bytes retained on the GC heap (after a full blocking GC) per new series,
/// for prometheus-net alone (one labelled child per series, as the collector created them for every type until counters
/// and gauges, then histograms, moved to its own store) and for the whole collector
/// (its definition table and series index on top). Run with <c>-- --retained [series]</c>.
/// </summary>
internal static class RetainedMemory
{
    public static void Run(int series)
    {
        Console.WriteLine(FormattableString.Invariant($"| what | series | retained bytes per series |"));
        Console.WriteLine("|---|---:|---:|");
        foreach (var type in new[] { MetricType.Counter, MetricType.Histogram })
        {
            Report($"prometheus-net alone, {type}", series, () => PrometheusNetAlone(type, series));
            Report($"collector (its own series store + its index), {type}", series, () => Collector(type, series));
        }
    }

    private static void Report(string what, int series, Func<object> fill)
    {
        long before = GC.GetTotalMemory(forceFullCollection: true);
        object kept = fill();
        long after = GC.GetTotalMemory(forceFullCollection: true);
        GC.KeepAlive(kept);
        Console.WriteLine(FormattableString.Invariant($"| {what} | {series} | {(after - before) / (double)series:F0} |"));
    }

    private static CollectorRegistry PrometheusNetAlone(MetricType type, int series)
    {
        var registry = Metrics.NewCustomRegistry();
        var factory = Metrics.WithCustomRegistry(registry);
        factory.ExemplarBehavior = ExemplarBehavior.NoExemplars();
        if (type == MetricType.Counter)
        {
            var counter = factory.CreateCounter("bench_series_total", "h", new CounterConfiguration { LabelNames = ["series"], SuppressInitialValue = true });
            for (int i = 0; i < series; i++)
            {
                counter.WithLabels(Label(i)).Inc();
            }
        }
        else
        {
            var histogram = factory.CreateHistogram("bench_series_seconds", "h", new HistogramConfiguration
            {
                LabelNames = ["series"],
                SuppressInitialValue = true,
                Buckets = [.. MetricCollectorOptions.BuiltInBuckets],
            });
            for (int i = 0; i < series; i++)
            {
                histogram.WithLabels(Label(i)).Observe(0.042);
            }
        }

        return registry;
    }

    private static PrometheusMetricCollector Collector(MetricType type, int series)
    {
        var options = Options.Create(new MetricCollectorOptions { MaxSeries = series * 2, MaxSeriesPerMetric = series * 2 });
        var collector = new PrometheusMetricCollector(options, NullLogger<PrometheusMetricCollector>.Instance, TimeProvider.System);
        string name = type == MetricType.Counter ? "bench_series" : "bench_series_seconds";
        for (int i = 0; i < series; i++)
        {
            var outcome = collector.Record(new MetricRecord(name, type)
            {
                Value = type == MetricType.Counter ? 1 : 0.042,
                Labels = new Dictionary<string, string> { ["series"] = Label(i) },
            });
            if (outcome.Rejection is not null)
            {
                throw new InvalidOperationException(outcome.Rejection.Detail);
            }
        }

        return collector;
    }

    // A fresh string per series, as the JSON reader makes one for every record.
    private static string Label(int i) => "s" + i.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
