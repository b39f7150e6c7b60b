using MetricCollector.Collector;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Prometheus;

namespace MetricCollector.Benchmarks;

/// <summary>
/// One series of a gateway histogram's shape in each store, for the histogram benchmarks to compare: prometheus-net's
/// child, which the gateway used, and the collector's own <see cref="HostHistogramChild"/>; each resolved once, as the
/// gateway holds it.
/// </summary>
internal sealed class HistogramChildren : IDisposable
{
    private static readonly double[] Buckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
    private readonly PrometheusMetricCollector _collector;

    public HistogramChildren()
    {
        var factory = Metrics.WithCustomRegistry(Metrics.NewCustomRegistry());
        factory.ExemplarBehavior = ExemplarBehavior.NoExemplars();
        PrometheusNet = factory.CreateHistogram("gateway_bench_seconds", "Bench.", new HistogramConfiguration { LabelNames = ["route", "code"], Buckets = Buckets }).WithLabels("r", "200");
        _collector = new PrometheusMetricCollector(Options.Create(new MetricCollectorOptions()), NullLogger<PrometheusMetricCollector>.Instance, TimeProvider.System);
        Host = _collector.CreateHostHistogram("gateway_bench_seconds", "Bench.", ["route", "code"], Buckets).WithLabels("r", "200");
    }

    public Histogram.Child PrometheusNet { get; }

    public HostHistogramChild Host { get; }

    public void Dispose() => _collector.Dispose();
}
