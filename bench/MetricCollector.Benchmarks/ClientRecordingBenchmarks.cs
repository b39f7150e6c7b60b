using BenchmarkDotNet.Attributes;
using MetricCollector.Client;
using Microsoft.Extensions.DependencyInjection;

namespace MetricCollector.Benchmarks;

/// <summary>
/// What recording through <see cref="MetricCollectorClient"/> costs the caller's thread, with series handles resolved
/// once. The sender is kept idle (a flush interval of an hour, a closed port) so that only the caller's side is timed;
/// the histogram buffer is full after the first 100,000 observations, so <c>Observe</c> is timed on its drop-oldest path.
/// </summary>
[MemoryDiagnoser]
public class ClientRecordingBenchmarks
{
    private static readonly Dictionary<string, string> Labels = new() { ["app_id"] = "a1", ["pool_name"] = "default" };
    private static readonly double[] Buckets = [0.01, 0.1, 1];

    private ServiceProvider _services = null!;
    private MetricCollectorClient _client = null!;
    private CounterSeries _counter = null!;
    private GaugeSeries _gauge = null!;
    private HistogramSeries _histogram = null!;
    private double _value;

    [GlobalSetup]
    public void Setup()
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddMetricCollectorClient(o =>
        {
            o.Endpoint = new Uri("http://127.0.0.1:9");
            o.FlushInterval = TimeSpan.FromHours(1);
            o.ShutdownTimeout = TimeSpan.Zero;
        });
        _services = services.BuildServiceProvider();
        _client = _services.GetRequiredService<MetricCollectorClient>();
        _counter = _client.Counter("sandbox_allocations_total", Labels);
        _gauge = _client.Gauge("sandbox_pool_free", Labels);
        _histogram = _client.Histogram("sandbox_allocation_seconds", Buckets, Labels);
    }

    [GlobalCleanup]
    public void Cleanup() => _services.DisposeAsync().AsTask().GetAwaiter().GetResult();

    [Benchmark(Baseline = true, Description = "counter.Inc()")]
    public void Inc() => _counter.Inc();

    [Benchmark(Description = "counter.Inc(2.5)")]
    public void IncBy() => _counter.Inc(2.5);

    [Benchmark(Description = "gauge.Set(v)")]
    public void Set() => _gauge.Set(_value++);

    [Benchmark(Description = "histogram.Observe(v)")]
    public void Observe() => _histogram.Observe(0.042);

    [Benchmark(Description = "using (histogram.Measure()) { }")]
    public void Measure()
    {
        using (_histogram.Measure())
        {
        }
    }

    [Benchmark(Description = "client.Counter(name, labels) lookup")]
    public CounterSeries Resolve() => _client.Counter("sandbox_allocations_total", Labels);

    [Benchmark(Description = "client.Histogram(name, buckets, labels) lookup")]
    public HistogramSeries ResolveHistogram() => _client.Histogram("sandbox_allocation_seconds", Buckets, Labels);
}
