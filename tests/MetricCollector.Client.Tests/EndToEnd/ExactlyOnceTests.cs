using MetricCollector.Gateway.Tests;

namespace MetricCollector.Client.Tests.EndToEnd;

public sealed class ExactlyOnceTests : IAsyncLifetime
{
    private const int Threads = 8;
    private const int IncrementsPerThread = 25_000;

    private RunningGateway _gateway = null!;

    public async Task InitializeAsync() => _gateway = await RunningGateway.StartAsync();

    public async Task DisposeAsync() => await _gateway.DisposeAsync();

    private async Task<double?> SampleAsync(string series) => MetricsText.Value(await _gateway.MetricsAsync(), series);

    /// <summary>Increments from <see cref="Threads"/> threads at once, while the background sender keeps flushing.</summary>
    private static Task IncrementFromThreadsAsync(MetricCollectorClient client, string name) =>
        Task.WhenAll(Enumerable.Range(0, Threads).Select(_ => Task.Run(() =>
        {
            var counter = client.Counter(name, new Dictionary<string, string> { ["component"] = "e2e" });
            for (int i = 0; i < IncrementsPerThread; i++)
            {
                counter.Inc();
            }
        })));

    [Fact]
    public async Task Increments_from_several_threads_arrive_as_exactly_as_many()
    {
        await using var test = TestClient.Create(_gateway.Address, o => o.FlushInterval = TimeSpan.FromMilliseconds(10));

        await IncrementFromThreadsAsync(test.Client, "e2e_jobs_total");
        await test.Client.StopAsync();

        Assert.Equal(Threads * IncrementsPerThread, await SampleAsync("e2e_jobs_total{component=\"e2e\"}"));
        Assert.Equal(0, test.Client.Statistics.Dropped);
    }

    [Fact]
    public async Task A_batch_whose_answer_was_lost_after_the_collector_applied_it_counts_once()
    {
        await using var test = TestClient.Create(_gateway.Address, handler: () => new LostAnswerHandler(attempt => attempt == 1));
        test.Client.Counter("e2e_lost_answers_total").Inc(5);

        Assert.True(await test.Client.FlushAsync());

        Assert.Equal(5, await SampleAsync("e2e_lost_answers_total"));
        Assert.Equal(1, await SampleAsync("metric_collector_idempotent_replays_total"));
        Assert.Equal(new MetricCollectorClientStatistics(Sent: 1, Rejected: 0, Retried: 1, Dropped: 0), test.Client.Statistics);
    }

    [Fact]
    public async Task Through_lost_answers_outages_and_refused_connections_every_increment_counts_once()
    {
        var chaos = new ChaosHandler();
        await using var test = TestClient.Create(_gateway.Address, o =>
        {
            o.FlushInterval = TimeSpan.FromMilliseconds(10);
            o.MaxRetryAttempts = 2;
        }, () => chaos);

        // Several threads count for as long as it takes the sender to go through 40 attempts, most of them failures.
        long counted = 0;
        await Task.WhenAll(Enumerable.Range(0, Threads).Select(_ => Task.Run(() =>
        {
            var counter = test.Client.Counter("e2e_chaos_total", new Dictionary<string, string> { ["component"] = "e2e" });
            long mine = 0;
            while (chaos.Attempts < 40)
            {
                counter.Inc();
                if (++mine % 1000 == 0)
                {
                    // Leaves the sender some CPU: this machine may have fewer cores than there are threads.
                    Thread.Sleep(1);
                }
            }

            Interlocked.Add(ref counted, mine);
        })));
        chaos.Calm = true;
        // Batches still waiting (or behind an open circuit) go out once the collector answers again.
        Assert.True(await Poll.UntilAsync(() => test.Client.FlushAsync()));

        Assert.Equal(counted, await SampleAsync("e2e_chaos_total{component=\"e2e\"}"));
        Assert.True(await SampleAsync("metric_collector_idempotent_replays_total") > 0);
        Assert.True(test.Client.Statistics.Retried > 0);
        Assert.Equal(0, test.Client.Statistics.Dropped);
    }

    [Fact]
    public async Task Gauges_histograms_and_summaries_arrive_in_the_exposition()
    {
        await using var test = TestClient.Create(_gateway.Address);
        var pool = new Dictionary<string, string> { ["poolName"] = "default" };
        test.Client.Gauge("e2e_pool_free", pool).Set(12);
        test.Client.Gauge("e2e_pool_free", pool).Set(3);
        var step = test.Client.Histogram("e2e_step_seconds", [0.1, 1]);
        step.Observe(0.05);
        step.Observe(0.5);
        step.Observe(5);
        test.Client.Summary("e2e_tool_seconds", [new SummaryObjective(0.5, 0.05)]).Observe(0.2);

        Assert.True(await test.Client.FlushAsync());

        string metrics = await _gateway.MetricsAsync();
        Assert.Equal(3, MetricsText.Value(metrics, "e2e_pool_free{poolName=\"default\"}"));
        Assert.Equal(1, MetricsText.Value(metrics, "e2e_step_seconds_bucket{le=\"0.1\"}"));
        Assert.Equal(2, MetricsText.Value(metrics, "e2e_step_seconds_bucket{le=\"1\"}"));
        Assert.Equal(3, MetricsText.Value(metrics, "e2e_step_seconds_count"));
        Assert.Equal(0.2, MetricsText.Value(metrics, "e2e_tool_seconds{quantile=\"0.5\"}"));
        Assert.Equal(3, test.Client.Statistics.Sent);
    }

    [Fact]
    public async Task Observations_filling_more_than_the_collectors_body_limit_go_in_batches_it_accepts()
    {
        // 100 busy histograms: 100 records of 1000 values, about 1.9 MB of JSON, past the collector's 1 MiB body limit.
        await using var test = TestClient.Create(_gateway.Address);
        var random = new Random(7);
        for (int series = 0; series < 100; series++)
        {
            var latency = test.Client.Histogram("e2e_latency_seconds", labels: new Dictionary<string, string> { ["s"] = series.ToString(System.Globalization.CultureInfo.InvariantCulture) });
            for (int i = 0; i < 1000; i++)
            {
                latency.Observe(random.NextDouble());
            }
        }

        Assert.True(await test.Client.FlushAsync());

        Assert.Equal(new MetricCollectorClientStatistics(Sent: 100, Rejected: 0, Retried: 0, Dropped: 0), test.Client.Statistics);
        Assert.Equal(1000, await SampleAsync("e2e_latency_seconds_count{s=\"99\"}"));
        Assert.Empty(test.Logs.WithEventId(2));
    }

    [Fact]
    public async Task After_the_collector_restarts_without_its_state_unchanged_gauges_and_counters_are_sent_again()
    {
        var first = await RunningGateway.StartAsync();
        int port = first.Address.Port;
        await using var test = TestClient.Create(first.Address, o => o.RefreshInterval = TimeSpan.FromMilliseconds(300));
        test.Client.Gauge("e2e_pool_size").Set(12);
        test.Client.Counter("e2e_restart_jobs_total").Inc(5);
        Assert.True(await test.Client.FlushAsync());
        await first.DisposeAsync();

        // The same address, nothing remembered (no snapshot): what the component holds must come back without a change.
        await using var second = await RunningGateway.StartAsync("--urls", $"http://127.0.0.1:{port}");
        await Task.Delay(400);
        Assert.True(await test.Client.FlushAsync());

        string metrics = await second.MetricsAsync();
        Assert.Equal(12, MetricsText.Value(metrics, "e2e_pool_size"));
        // The counter starts again from what was added since: a reset, as Prometheus reads one.
        Assert.Equal(0, MetricsText.Value(metrics, "e2e_restart_jobs_total"));
    }

    [Fact]
    public async Task A_record_the_collector_refuses_is_logged_once_with_its_reason_and_the_rest_of_the_batch_applies()
    {
        // Another sender defined the name as a gauge: the client cannot know, the collector refuses the counter.
        using (var other = new HttpClient())
        {
            using var body = new StringContent("""{"metric_name":"e2e_taken","metric_type":"gauge","value":1}""", System.Text.Encoding.UTF8, "application/json");
            (await other.PostAsync(new Uri(_gateway.Address, "/record"), body)).EnsureSuccessStatusCode();
        }

        await using var test = TestClient.Create(_gateway.Address);
        var refused = test.Client.Counter("e2e_taken");
        var accepted = test.Client.Counter("e2e_accepted_total");

        refused.Inc();
        accepted.Inc();
        await test.Client.FlushAsync();
        refused.Inc();
        await test.Client.FlushAsync();

        Assert.Equal(1, await SampleAsync("e2e_accepted_total"));
        Assert.Equal(new MetricCollectorClientStatistics(Sent: 1, Rejected: 2, Retried: 0, Dropped: 0), test.Client.Statistics);
        string logged = Assert.Single(test.Logs.WithEventId(1));
        Assert.Contains("definition_conflict", logged, StringComparison.Ordinal);
    }
}
