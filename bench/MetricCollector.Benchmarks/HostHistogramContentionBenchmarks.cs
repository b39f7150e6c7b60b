using BenchmarkDotNet.Attributes;
using MetricCollector.Collector;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Prometheus;

namespace MetricCollector.Benchmarks;

/// <summary>
/// One histogram series observed from several threads at once, as every request of a busy route observes the same
/// series: prometheus-net's lock-free child against the collector's <see cref="HostHistogramChild"/>, whose observation
/// holds the series' lock. Reported per observation.
/// </summary>
[MemoryDiagnoser]
public class HostHistogramContentionBenchmarks
{
    private const int ObservationsPerThread = 200_000;
    private static readonly double[] Buckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
    private Histogram.Child _prometheusNet = null!;
    private HostHistogramChild _host = null!;
    private PrometheusMetricCollector _collector = null!;

    /// <summary>Threads observing the one series at once.</summary>
    [Params(1, 2, 4)]
    public int Threads { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var factory = Metrics.WithCustomRegistry(Metrics.NewCustomRegistry());
        factory.ExemplarBehavior = ExemplarBehavior.NoExemplars();
        _prometheusNet = factory.CreateHistogram("gateway_bench_seconds", "Bench.", new HistogramConfiguration { LabelNames = ["route", "code"], Buckets = Buckets }).WithLabels("r", "200");
        _collector = new PrometheusMetricCollector(Options.Create(new MetricCollectorOptions()), NullLogger<PrometheusMetricCollector>.Instance, TimeProvider.System);
        _host = _collector.CreateHostHistogram("gateway_bench_seconds", "Bench.", ["route", "code"], Buckets).WithLabels("r", "200");
    }

    [GlobalCleanup]
    public void Cleanup() => _collector.Dispose();

    [Benchmark(Baseline = true, OperationsPerInvoke = ObservationsPerThread, Description = "prometheus-net Histogram.Child.Observe")]
    public void PrometheusNet() => Parallel.For(0, Threads, thread =>
    {
        double value = thread;
        for (int i = 0; i < ObservationsPerThread; i++)
        {
            _prometheusNet.Observe(value = (value + 0.0137) % 3);
        }
    });

    [Benchmark(OperationsPerInvoke = ObservationsPerThread, Description = "HostHistogramChild.Observe")]
    public void Host() => Parallel.For(0, Threads, thread =>
    {
        double value = thread;
        for (int i = 0; i < ObservationsPerThread; i++)
        {
            _host.Observe(value = (value + 0.0137) % 3);
        }
    });
}
