using System.Text;

namespace MetricCollector.Gateway.Tests.EndToEnd;

/// <summary>What a real Prometheus server stores after scraping a gateway that components pushed metrics to.</summary>
public sealed class PushedMetricsInPrometheusTests : IAsyncLifetime
{
    private RunningGateway _gateway = null!;
    private PrometheusServer _prometheus = null!;

    public async Task InitializeAsync()
    {
        _gateway = await RunningGateway.StartAsync();
        _prometheus = await PrometheusServer.StartAsync(_gateway.Address);
    }

    public async Task DisposeAsync()
    {
        await _prometheus.DisposeAsync();
        await _gateway.DisposeAsync();
    }

    private async Task PostAsync(string json)
    {
        using var response = await _gateway.Client.PostAsync("/record", new StringContent(json, Encoding.UTF8, "application/json"));
        Assert.Equal(System.Net.HttpStatusCode.Accepted, response.StatusCode);
    }

    [Fact]
    public async Task Prometheus_stores_exact_pushed_counters_gauges_and_histograms_through_OpenMetrics()
    {
        for (int i = 0; i < 7; i++)
        {
            await PostAsync("""{"metric_name":"sandbox_allocations","metric_type":"counter","labels":{"pool_name":"default"}}""");
        }

        await PostAsync("""{"metric_name":"sandbox_allocations_total","metric_type":"counter","value":3,"labels":{"pool_name":"gpu"}}""");
        await PostAsync("""[{"metric_name":"sandbox_pool_free","metric_type":"gauge","value":10},{"metric_name":"sandbox_pool_free","metric_type":"gauge","value":4,"operation":"dec"}]""");
        await PostAsync("""{"metric_name":"router_step_seconds","metric_type":"histogram","values":[0.02,0.03,0.04,0.3,0.6,0.7,0.8,0.9,2,3],"buckets":[0.05,0.5,1,5]}""");
        await PostAsync("""{"metric_name":"mcp_tool_seconds","metric_type":"summary","values":[1,2,3,4]}""");

        Assert.Equal(7, await _prometheus.EventuallyAsync("""sandbox_allocations_total{pool_name="default"}""", 7));
        Assert.Equal(10, await _prometheus.EventuallyAsync("sum(sandbox_allocations_total)", 10));
        Assert.Equal(6, await _prometheus.EventuallyAsync("sandbox_pool_free", 6));
        Assert.Equal(10, await _prometheus.EventuallyAsync("router_step_seconds_count", 10));
        Assert.Equal(3, await _prometheus.EventuallyAsync("""router_step_seconds_bucket{le="0.05"}""", 3));
        Assert.Equal(8.39, await _prometheus.EventuallyAsync("router_step_seconds_sum", 8.39, 1e-9));
        // 10 observations: the median lies in the (0.5, 1] bucket, which holds observations 4 to 8.
        double? median = await _prometheus.ScalarAsync("histogram_quantile(0.5, router_step_seconds_bucket)");
        Assert.InRange(median!.Value, 0.5, 1);
        Assert.Equal(4, await _prometheus.EventuallyAsync("mcp_tool_seconds_count", 4));
        Assert.InRange((await _prometheus.ScalarAsync("""mcp_tool_seconds{quantile="0.99"}""")).GetValueOrDefault(), 3, 4);

        // Prometheus's default Accept header got OpenMetrics, in which an unsuffixed counter would be typed 'unknown'.
        Assert.True(await _prometheus.ScalarAsync("""metric_collector_scrapes_total{format="openmetrics"}""") > 0);
        Assert.Null(await _prometheus.ScalarAsync("""metric_collector_scrapes_total{format="text"} > 0"""));
        var metadata = await _prometheus.Client.GetStringAsync("/api/v1/metadata?metric=sandbox_allocations");
        Assert.Contains("\"type\":\"counter\"", metadata, StringComparison.Ordinal);
    }
}
