using MetricCollector.Collector;
using MetricCollector.Gateway.Proxy;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Yarp.ReverseProxy.Model;

namespace MetricCollector.Gateway.Tests.Proxy;

public sealed class GatewayMetricsTests
{
    [Fact]
    public void Upstream_series_of_a_known_destination_is_found_without_allocating()
    {
        using var collector = new PrometheusMetricCollector(
            Options.Create(new MetricCollectorOptions()), NullLogger<PrometheusMetricCollector>.Instance, TimeProvider.System);
        var metrics = new GatewayMetrics(collector, Options.Create(new GatewayInstrumentationOptions()));
        var destination = new DestinationState("d1");
        var first = metrics.UpstreamFor("c1", destination);

        // Every proxied request asks for its destination's series: once created, the lookup must cost nothing.
        long before = GC.GetAllocatedBytesForCurrentThread();
        HostHistogramChild? found = null;
        for (int i = 0; i < 1000; i++)
        {
            found = metrics.UpstreamFor("c1", destination);
        }

        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Same(first, found);
        Assert.Equal(0, allocated);
    }
}
