using System.Net;
using System.Text;

namespace MetricCollector.Gateway.Tests.Exposition;

/// <summary>Buckets given in configuration are the buckets: none of the defaults linger after them.</summary>
public sealed class ConfiguredBucketsTests
{
    [Fact]
    public async Task Configured_buckets_replace_the_defaults_whole()
    {
        await using var gateway = await RunningGateway.StartAsync(
            "--MetricCollector:DefaultBuckets:0=1", "--MetricCollector:DefaultBuckets:1=2",
            "--Gateway:Instrumentation:DurationBuckets:0=0.5", "--Gateway:Instrumentation:DurationBuckets:1=3");
        using var record = await gateway.Client.PostAsync("/record", new StringContent("""{"metric_name":"job_seconds","metric_type":"histogram","value":1.5}""", Encoding.UTF8, "application/json"));
        using var unmatched = await gateway.Client.GetAsync("/nowhere");
        Assert.Equal(HttpStatusCode.Accepted, record.StatusCode);

        string metrics = await gateway.MetricsAsync();

        Assert.Equal(3, MetricsText.Count(metrics, "job_seconds_bucket"));
        Assert.Equal(1, MetricsText.Value(metrics, """job_seconds_bucket{le="2"}"""));
        Assert.Equal(3, MetricsText.Count(metrics, "gateway_request_duration_seconds_bucket"));
        Assert.Equal(1, MetricsText.Value(metrics, """gateway_request_duration_seconds_bucket{route="unmatched",cluster="",method="GET",code="404",le="0.5"}"""));
    }

    [Fact]
    public async Task Buckets_out_of_order_stop_the_start()
    {
        var error = await Assert.ThrowsAnyAsync<Exception>(() => RunningGateway.StartAsync(
            "--Gateway:Instrumentation:DurationBuckets:0=2", "--Gateway:Instrumentation:DurationBuckets:1=1"));

        Assert.Contains("DurationBuckets must be at least one finite bound, each >= 0, strictly increasing", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Default_buckets_out_of_order_stop_the_start_naming_the_bound()
    {
        var error = await Assert.ThrowsAnyAsync<Exception>(() => RunningGateway.StartAsync(
            "--MetricCollector:DefaultBuckets:0=1", "--MetricCollector:DefaultBuckets:1=5", "--MetricCollector:DefaultBuckets:2=5"));

        Assert.Contains("MetricCollector:DefaultBuckets:2: bucket bounds must be strictly increasing", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Negative_default_buckets_stop_the_start_naming_the_bound()
    {
        var error = await Assert.ThrowsAnyAsync<Exception>(() => RunningGateway.StartAsync(
            "--MetricCollector:DefaultBuckets:0=-1", "--MetricCollector:DefaultBuckets:1=5"));

        Assert.Contains("MetricCollector:DefaultBuckets:0: bucket bounds must be >= 0", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Negative_duration_buckets_stop_the_start()
    {
        var error = await Assert.ThrowsAnyAsync<Exception>(() => RunningGateway.StartAsync(
            "--Gateway:Instrumentation:DurationBuckets:0=-1", "--Gateway:Instrumentation:DurationBuckets:1=1"));

        Assert.Contains("DurationBuckets must be at least one finite bound, each >= 0", error.Message, StringComparison.Ordinal);
    }
}
