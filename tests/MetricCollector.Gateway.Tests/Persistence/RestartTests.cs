using System.Net;
using System.Text;
using MetricCollector.Gateway.Tests.Proxy;
using MetricCollector.Recording;

namespace MetricCollector.Gateway.Tests.Persistence;

public sealed class RestartTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("gateway-restart-").FullName;

    private string SnapshotArgument => "--MetricCollector:SnapshotPath=" + Path.Combine(_directory, "collector.snapshot");

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private static Task<HttpResponseMessage> PostAsync(RunningGateway gateway, string body) =>
        gateway.Client.PostAsync("/record", new StringContent(body, Encoding.UTF8, "application/json"));

    [Fact]
    public async Task Pushed_counters_and_summaries_keep_counting_and_gauges_keep_their_value_across_a_restart()
    {
        await using (var first = await RunningGateway.StartAsync(SnapshotArgument))
        {
            using var counter = await PostAsync(first, """{"metric_name":"sandbox_allocations","metric_type":"counter","value":5,"labels":{"pool":"gpu"}}""");
            using var gauge = await PostAsync(first, """{"metric_name":"sandbox_pool_free","metric_type":"gauge","value":3,"labels":{"pool":"gpu"}}""");
            using var summary = await PostAsync(first, """{"metric_name":"mcp_tool_seconds","metric_type":"summary","values":[1,2],"labels":{"tool":"search"}}""");
            Assert.Equal(HttpStatusCode.Accepted, gauge.StatusCode);
            Assert.Equal(HttpStatusCode.Accepted, summary.StatusCode);
        }

        await using var second = await RunningGateway.StartAsync(SnapshotArgument);
        using var more = await PostAsync(second, """{"metric_name":"sandbox_allocations","metric_type":"counter","labels":{"pool":"gpu"}}""");
        using var observed = await PostAsync(second, """{"metric_name":"mcp_tool_seconds","metric_type":"summary","value":3,"labels":{"tool":"search"}}""");
        string metrics = await second.MetricsAsync();

        Assert.Equal(6, MetricsText.Value(metrics, """sandbox_allocations_total{pool="gpu"}"""));
        Assert.Equal(3, MetricsText.Value(metrics, """sandbox_pool_free{pool="gpu"}"""));
        // A summary's count and sum go on (rate() sees no reset); its quantiles cover what came since the restart.
        Assert.Equal(3, MetricsText.Value(metrics, """mcp_tool_seconds_count{tool="search"}"""));
        Assert.Equal(6, MetricsText.Value(metrics, """mcp_tool_seconds_sum{tool="search"}"""));
        Assert.Equal(3, MetricsText.Value(metrics, """mcp_tool_seconds{tool="search",quantile="0.5"}"""));
        Assert.Equal(1, MetricsText.Value(metrics, """metric_collector_snapshot_restores_total{result="restored"}"""));
    }

    /// <summary>
    /// A sender whose answer was lost resends the batch with the same Idempotency-Key; when the gateway restarted in
    /// between (a deploy), the key was forgotten and the batch applied twice.
    /// </summary>
    [Fact]
    public async Task A_batch_resent_with_its_idempotency_key_after_a_restart_is_answered_not_applied_again()
    {
        const string Batch = """[{"metric_name":"sandbox_allocations","metric_type":"counter","value":5}]""";
        HttpRequestMessage Send() => new(HttpMethod.Post, "/record")
        {
            Content = new StringContent(Batch, Encoding.UTF8, "application/json"),
            Headers = { { "Idempotency-Key", "batch-7" } },
        };
        string firstAnswer;
        await using (var first = await RunningGateway.StartAsync(SnapshotArgument))
        {
            using var sent = await first.Client.SendAsync(Send());
            Assert.Equal(HttpStatusCode.Accepted, sent.StatusCode);
            firstAnswer = await sent.Content.ReadAsStringAsync();
        }

        await using var second = await RunningGateway.StartAsync(SnapshotArgument);
        using var resent = await second.Client.SendAsync(Send());

        Assert.Equal(HttpStatusCode.Accepted, resent.StatusCode);
        Assert.Equal(["true"], resent.Headers.GetValues("Idempotent-Replayed"));
        Assert.Equal(firstAnswer, await resent.Content.ReadAsStringAsync());
        Assert.Equal(5, MetricsText.Value(await second.MetricsAsync(), "sandbox_allocations_total"));
    }

    [Fact]
    public async Task The_snapshot_is_written_at_the_interval_while_the_gateway_runs()
    {
        string path = Path.Combine(_directory, "collector.snapshot");
        await using var gateway = await RunningGateway.StartAsync(SnapshotArgument, "--MetricCollector:SnapshotInterval=00:00:01");
        using var write = await PostAsync(gateway, """{"metric_name":"periodic_gauge","metric_type":"gauge","value":42}""");

        bool written = await Poll.UntilAsync(async () => File.Exists(path) && (await File.ReadAllTextAsync(path)).Contains("periodic_gauge", StringComparison.Ordinal));

        Assert.True(written);
        Assert.True(MetricsText.Value(await gateway.MetricsAsync(), """metric_collector_snapshot_writes_total{result="ok"}""") >= 1);
    }

    [Fact]
    public async Task A_corrupt_snapshot_does_not_stop_the_gateway_from_starting()
    {
        await File.WriteAllTextAsync(Path.Combine(_directory, "collector.snapshot"), "# metric-collector snapshot sha256=abc\n{\"torn");

        await using var gateway = await RunningGateway.StartAsync(SnapshotArgument);
        using var ready = await gateway.Client.GetAsync("/readyz");

        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.Equal(1, MetricsText.Value(await gateway.MetricsAsync(), """metric_collector_snapshot_restores_total{result="corrupt"}"""));
        Assert.Single(Directory.GetFiles(_directory, "collector.snapshot.corrupt-*"));
    }

    [Fact]
    public async Task Shutdown_lets_an_in_flight_proxied_request_finish_and_then_writes_the_snapshot()
    {
        var requestArrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        RunningGateway? gateway = null;
        var (upstream, address) = await LoopbackUpstream.StartAsync(app => app.MapGet("/slow", async () =>
        {
            requestArrived.TrySetResult();
            await release.Task.WaitAsync(TimeSpan.FromSeconds(30));
            // Recorded while the gateway is already stopping: the final snapshot must still hold it.
            await gateway!.Services.GetRequiredService<IMetricCollector>().RecordAsync(new MetricRecord("finished_during_drain", MetricType.Counter));
            return "done";
        }));
        await using var upstreamLifetime = upstream;
        using var config = new ProxyConfigFile();
        config.Route("slow", "request-router", "/slow").Cluster("request-router", address + "/").Write();
        gateway = await RunningGateway.StartAsync("--proxy-config", config.Path, SnapshotArgument);

        using var client = new HttpClient { BaseAddress = gateway.Address };
        var inFlight = client.GetAsync("/slow");
        await requestArrived.Task.WaitAsync(TimeSpan.FromSeconds(30));
        var stopping = gateway.DisposeAsync().AsTask();
        await Task.Delay(500);
        release.SetResult();
        using var response = await inFlight;
        await stopping;

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("done", await response.Content.ReadAsStringAsync());
        await using var restarted = await RunningGateway.StartAsync(SnapshotArgument);
        Assert.Equal(1, MetricsText.Value(await restarted.MetricsAsync(), "finished_during_drain_total"));
    }
}
