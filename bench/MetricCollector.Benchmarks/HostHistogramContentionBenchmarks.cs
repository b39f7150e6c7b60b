using BenchmarkDotNet.Attributes;
using MetricCollector.Collector;

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
    private HistogramChildren _children = null!;
    private Prometheus.Histogram.Child _prometheusNet = null!;
    private HostHistogramChild _host = null!;

    /// <summary>Threads observing the one series at once.</summary>
    [Params(1, 2, 4)]
    public int Threads { get; set; }

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
