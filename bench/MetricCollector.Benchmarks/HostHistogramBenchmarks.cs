using BenchmarkDotNet.Attributes;
using MetricCollector.Collector;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Prometheus;

namespace MetricCollector.Benchmarks;

/// <summary>
/// The cost of one observation of a gateway histogram (a proxied request makes two): prometheus-net's child, which the
/// gateway used, against the collector's own (<see cref="HostHistogramChild"/>), whose lock keeps every scrape
/// consistent. One thread, the child resolved once, as the gateway holds it.
/// </summary>
[MemoryDiagnoser]
public class HostHistogramBenchmarks
{
    private static readonly double[] Buckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
    private Histogram.Child _prometheusNet = null!;
    private HostHistogramChild _host = null!;
    private PrometheusMetricCollector _collector = null!;
    private double _value;

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

    [Benchmark(Baseline = true, Description = "prometheus-net Histogram.Child.Observe")]
    public void PrometheusNet() => _prometheusNet.Observe(_value = (_value + 0.0137) % 3);

    [Benchmark(Description = "HostHistogramChild.Observe")]
    public void Host() => _host.Observe(_value = (_value + 0.0137) % 3);
}
