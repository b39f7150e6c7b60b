using BenchmarkDotNet.Attributes;
using MetricCollector.Collector;

namespace MetricCollector.Benchmarks;

/// <summary>
/// The cost of one observation of a gateway histogram (a proxied request makes two): prometheus-net's child, which the
/// gateway used, against the collector's own (<see cref="HostHistogramChild"/>), whose lock keeps every scrape
/// consistent. One thread, the child resolved once, as the gateway holds it.
/// </summary>
[MemoryDiagnoser]
public class HostHistogramBenchmarks
{
    private HistogramChildren _children = null!;
    private Prometheus.Histogram.Child _prometheusNet = null!;
    private HostHistogramChild _host = null!;
    private double _value;

    [GlobalSetup]
    public void Setup()
    {
        // In fields of their own: the measured loop reads one field per observation, as the gateway holds its child.
        _children = new HistogramChildren();
        _prometheusNet = _children.PrometheusNet;
        _host = _children.Host;
    }

    [GlobalCleanup]
    public void Cleanup() => _children.Dispose();

    [Benchmark(Baseline = true, Description = "prometheus-net Histogram.Child.Observe")]
    public void PrometheusNet() => _prometheusNet.Observe(_value = (_value + 0.0137) % 3);

    [Benchmark(Description = "HostHistogramChild.Observe")]
    public void Host() => _host.Observe(_value = (_value + 0.0137) % 3);
}
