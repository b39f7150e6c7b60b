using System.Text.Json;

namespace MetricCollector.Client.Tests.Recording;

public sealed class RecordingTests : IAsyncLifetime
{
    private static readonly Dictionary<string, string> Pool = new() { ["poolName"] = "default" };

    private readonly FakeCollector _collector = new();
    private TestClient _test = null!;

    private MetricCollectorClient Client => _test.Client;

    public Task InitializeAsync()
    {
        _test = TestClient.Create(_collector.Address, o => o.ObservationCapacity = 4);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _test.DisposeAsync();
        _collector.Dispose();
    }

    private JsonElement[] Records => _collector.Batches.SelectMany(batch => batch.Records).ToArray();

    [Fact]
    public async Task Increments_to_one_series_are_sent_as_one_summed_record()
    {
        var allocations = Client.Counter("sandbox_allocations_total", Pool, "Sandboxes allocated.");
        for (int i = 0; i < 1000; i++)
        {
            allocations.Inc();
        }

        allocations.Inc(0.5);

        Assert.True(await Client.FlushAsync());
        var record = Assert.Single(Records);
        Assert.Equal("sandbox_allocations_total", record.GetProperty("metric_name").GetString());
        Assert.Equal("counter", record.GetProperty("metric_type").GetString());
        Assert.Equal(1000.5, record.GetProperty("value").GetDouble());
        Assert.Equal("default", record.GetProperty("labels").GetProperty("poolName").GetString());
        Assert.Equal("Sandboxes allocated.", record.GetProperty("help").GetString());
        Assert.Equal(1, Client.Statistics.Sent);
    }

    [Fact]
    public void A_hundred_thousand_series_are_created_in_time_linear_in_their_number()
    {
        // Each new counter used to copy the array of all counters before it: 100,000 took 40 s, under the registry's lock.
        var watch = System.Diagnostics.Stopwatch.StartNew();
        for (int i = 0; i < 100_000; i++)
        {
            Client.Counter("jobs_total", new Dictionary<string, string> { ["id"] = i.ToString(System.Globalization.CultureInfo.InvariantCulture) });
            Client.Gauge("pool_free", new Dictionary<string, string> { ["id"] = i.ToString(System.Globalization.CultureInfo.InvariantCulture) });
        }

        Assert.InRange(watch.Elapsed, TimeSpan.Zero, TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task Asking_for_a_series_again_gives_the_same_handle_whatever_the_label_order()
    {
        var first = Client.Counter("jobs_total", new Dictionary<string, string> { ["a"] = "1", ["b"] = "2" });
        var second = Client.Counter("jobs_total", new Dictionary<string, string> { ["b"] = "2", ["a"] = "1" });
        var other = Client.Counter("jobs_total", new Dictionary<string, string> { ["a"] = "1", ["b"] = "3" });

        Assert.Same(first, second);
        Assert.NotSame(first, other);
    }

    [Fact]
    public async Task Nothing_is_sent_for_a_series_that_did_not_change()
    {
        Client.Counter("jobs_total").Inc();
        Client.Gauge("pool_free").Set(3);
        await Client.FlushAsync();

        await Client.FlushAsync();

        Assert.Single(_collector.Batches);
    }

    [Fact]
    public async Task Every_refresh_interval_unchanged_counters_and_gauges_are_sent_again()
    {
        await using var refreshing = TestClient.Create(_collector.Address, o => o.RefreshInterval = TimeSpan.FromSeconds(2));
        refreshing.Client.Counter("jobs_total").Inc(2);
        refreshing.Client.Gauge("pool_free").Set(3);
        // Past the first interval: this flush refreshes, so the next one, at once, has nothing to send.
        await Task.Delay(2100);
        Assert.True(await refreshing.Client.FlushAsync());
        Assert.True(await refreshing.Client.FlushAsync());
        Assert.Single(_collector.Batches);

        await Task.Delay(2100);
        Assert.True(await refreshing.Client.FlushAsync());

        // The counter with nothing added, the gauge with its latest value.
        Assert.Equal([0.0, 3], _collector.Batches[1].Records.Select(r => r.GetProperty("value").GetDouble()));
        Assert.Equal(new MetricCollectorClientStatistics(Sent: 4, Rejected: 0, Retried: 0, Dropped: 0), refreshing.Client.Statistics);
    }

    [Fact]
    public async Task A_gauge_sends_its_latest_value_as_a_set()
    {
        var free = Client.Gauge("sandbox_pool_free", Pool);
        free.Set(12);
        free.Set(3);

        await Client.FlushAsync();

        var record = Assert.Single(Records);
        Assert.Equal("gauge", record.GetProperty("metric_type").GetString());
        Assert.Equal("set", record.GetProperty("operation").GetString());
        Assert.Equal(3, record.GetProperty("value").GetDouble());
    }

    [Fact]
    public async Task Histogram_and_summary_observations_are_sent_with_their_buckets_and_objectives()
    {
        var step = Client.Histogram("router_step_seconds", [0.01, 0.1, 1], new Dictionary<string, string> { ["stepId"] = "resolve" });
        var tool = Client.Summary("mcp_tool_seconds", [new SummaryObjective(0.5, 0.05), new SummaryObjective(0.99, 0.001)]);
        step.Observe(0.042);
        step.Observe(0.5);
        tool.Observe(0.2);

        await Client.FlushAsync();

        var histogram = Records.Single(r => r.GetProperty("metric_type").GetString() == "histogram");
        Assert.Equal([0.042, 0.5], histogram.GetProperty("values").EnumerateArray().Select(v => v.GetDouble()));
        Assert.Equal([0.01, 0.1, 1], histogram.GetProperty("buckets").EnumerateArray().Select(v => v.GetDouble()));
        Assert.False(histogram.TryGetProperty("value", out _));
        var summary = Records.Single(r => r.GetProperty("metric_type").GetString() == "summary");
        Assert.Equal([0.2], summary.GetProperty("values").EnumerateArray().Select(v => v.GetDouble()));
        Assert.Equal(0.99, summary.GetProperty("objectives")[1].GetProperty("quantile").GetDouble());
        Assert.Equal(0.001, summary.GetProperty("objectives")[1].GetProperty("error").GetDouble());
    }

    [Fact]
    public async Task Measure_observes_the_seconds_the_block_took()
    {
        var step = Client.Histogram("router_step_seconds");
        using (var timer = step.Measure())
        {
            await Task.Delay(20);
            Assert.True(timer.Elapsed > TimeSpan.Zero);
        }

        await Client.FlushAsync();

        // Seconds: at least the 20 ms waited, and far below the 20 the same block would be in milliseconds.
        double observed = Assert.Single(Assert.Single(Records).GetProperty("values").EnumerateArray()).GetDouble();
        Assert.InRange(observed, 0.015, 10);
    }

    [Fact]
    public async Task When_the_buffer_is_full_the_oldest_observations_are_dropped_and_counted()
    {
        var step = Client.Histogram("router_step_seconds");
        for (int i = 1; i <= 6; i++)
        {
            step.Observe(i);
        }

        await Client.FlushAsync();

        Assert.Equal([3.0, 4, 5, 6], Assert.Single(Records).GetProperty("values").EnumerateArray().Select(v => v.GetDouble()));
        Assert.Equal(2, Client.Statistics.Dropped);
        Assert.Contains("2 metric values were dropped", Assert.Single(_test.Logs.WithEventId(4)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_drop_warning_is_logged_at_most_once_a_minute()
    {
        var step = Client.Histogram("router_step_seconds");
        for (int round = 0; round < 3; round++)
        {
            for (int i = 0; i < 10; i++)
            {
                step.Observe(i);
            }

            await Client.FlushAsync();
        }

        Assert.Equal(18, Client.Statistics.Dropped);
        Assert.Single(_test.Logs.WithEventId(4));
    }

    [Fact]
    public async Task Values_the_collector_would_refuse_are_dropped_and_counted_not_thrown()
    {
        Client.Counter("jobs_total").Inc(-1);
        Client.Counter("jobs_total").Inc(double.NaN);
        Client.Gauge("pool_free").Set(double.PositiveInfinity);
        Client.Histogram("step_seconds").Observe(double.NaN);
        Client.Summary("tool_seconds").Observe(double.NegativeInfinity);

        await Client.FlushAsync();

        Assert.Equal(5, Client.Statistics.Dropped);
        Assert.Empty(_collector.Batches);
        string logged = Assert.Single(_test.Logs.WithEventId(4));
        Assert.Contains("1 negative counter increment", logged, StringComparison.Ordinal);
        Assert.Contains("4 not finite", logged, StringComparison.Ordinal);
        Assert.DoesNotContain("buffer", logged, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_negative_observation_is_dropped_and_counted_and_the_others_of_its_series_are_sent()
    {
        // The collector refuses a record with one negative value whole (400 at /values/n): sent, it took the others along.
        var step = Client.Histogram("step_seconds", [1, 2]);
        var tool = Client.Summary("tool_seconds");
        step.Observe(0.5);
        step.Observe(-0.001);
        step.Observe(1.5);
        tool.Observe(-1);
        tool.Observe(0.2);

        await Client.FlushAsync();

        Assert.Equal([0.5, 1.5], Records.Single(r => r.GetProperty("metric_name").GetString() == "step_seconds").GetProperty("values").EnumerateArray().Select(v => v.GetDouble()));
        Assert.Equal([0.2], Records.Single(r => r.GetProperty("metric_name").GetString() == "tool_seconds").GetProperty("values").EnumerateArray().Select(v => v.GetDouble()));
        Assert.Equal(2, Client.Statistics.Dropped);
        string logged = Assert.Single(_test.Logs.WithEventId(4));
        Assert.Contains("2 negative histogram or summary observations", logged, StringComparison.Ordinal);
        Assert.DoesNotContain("counter", logged, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_counter_overflowing_within_one_flush_is_dropped_and_counted_and_the_rest_of_the_flush_is_sent()
    {
        // Utf8JsonWriter throws on an infinite sum: it did so after every series had been drained, losing them all uncounted.
        var jobs = Client.Counter("jobs_total");
        var big = Client.Counter("big_total");
        var after = Client.Counter("after_total");
        jobs.Inc();
        big.Inc(1e308);
        big.Inc(1e308);
        after.Inc(2);
        Client.Gauge("pool_free").Set(3);
        Client.Histogram("step_seconds").Observe(0.1);

        Assert.True(await Client.FlushAsync());

        Assert.Equal(["jobs_total", "after_total", "pool_free", "step_seconds"], Records.Select(r => r.GetProperty("metric_name").GetString()));
        Assert.Equal(1, Client.Statistics.Dropped);
        Assert.Contains("1 counter record whose increments within one flush added up beyond the largest finite double", Assert.Single(_test.Logs.WithEventId(4)), StringComparison.Ordinal);
        Assert.Empty(_test.Logs.WithEventId(8));

        // The counter itself goes on: what it takes next is sent.
        big.Inc(1);
        Assert.True(await Client.FlushAsync());
        Assert.Equal(1, Records.Last().GetProperty("value").GetDouble());
    }

    [Fact]
    public async Task A_negative_counter_increment_alone_is_reported_as_such()
    {
        Client.Counter("jobs_total").Inc(-1);

        await Client.FlushAsync();

        string logged = Assert.Single(_test.Logs.WithEventId(4));
        Assert.Contains("1 negative counter increment", logged, StringComparison.Ordinal);
        Assert.DoesNotContain("finite", logged, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("bad name")]
    [InlineData("9lives")]
    public void A_metric_name_the_collector_would_refuse_throws_at_creation_naming_the_rule(string name)
    {
        var error = Assert.Throws<ArgumentException>(() => Client.Counter(name));

        Assert.Equal("name", error.ParamName);
        Assert.Contains("[a-zA-Z_][a-zA-Z0-9_]*", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Label_names_buckets_and_objectives_the_collector_would_refuse_throw_at_creation()
    {
        Assert.Contains("'__x'", Assert.Throws<ArgumentException>(() => Client.Gauge("pool_free", new Dictionary<string, string> { ["__x"] = "1" })).Message, StringComparison.Ordinal);
        Assert.Contains("'bad-label'", Assert.Throws<ArgumentException>(() => Client.Gauge("pool_free", new Dictionary<string, string> { ["bad-label"] = "1" })).Message, StringComparison.Ordinal);
        Assert.Contains("reserved on histograms", Assert.Throws<ArgumentException>(() => Client.Histogram("step_seconds", labels: new Dictionary<string, string> { ["le"] = "1" })).Message, StringComparison.Ordinal);
        Assert.Contains("reserved on summaries", Assert.Throws<ArgumentException>(() => Client.Summary("tool_seconds", labels: new Dictionary<string, string> { ["quantile"] = "1" })).Message, StringComparison.Ordinal);
        Assert.Contains("strictly increasing", Assert.Throws<ArgumentException>(() => Client.Histogram("step_seconds", [1, 0.5])).Message, StringComparison.Ordinal);
        Assert.Contains("between 0 and 1", Assert.Throws<ArgumentException>(() => Client.Summary("tool_seconds", [new SummaryObjective(1.5, 0.01)])).Message, StringComparison.Ordinal);
        Assert.Contains("at least 0.0001", Assert.Throws<ArgumentException>(() => Client.Summary("tool_seconds", [new SummaryObjective(0.5, 0.00001)])).Message, StringComparison.Ordinal);
        Assert.Equal(0, Client.Statistics.Dropped);
    }

    [Fact]
    public void Label_values_and_help_the_collector_would_refuse_throw_at_creation()
    {
        var tooLong = Assert.Throws<ArgumentException>(() => Client.Gauge("pool_free", new Dictionary<string, string> { ["pool"] = new string('x', 1025) }));
        Assert.Contains("'pool'", tooLong.Message, StringComparison.Ordinal);
        Assert.Contains("1024", tooLong.Message, StringComparison.Ordinal);
        Assert.Contains("unpaired surrogate", Assert.Throws<ArgumentException>(() => Client.Gauge("pool_free", new Dictionary<string, string> { ["pool"] = "a\ud800" })).Message, StringComparison.Ordinal);
        Assert.Contains("unpaired surrogate", Assert.Throws<ArgumentException>(() => Client.Gauge("pool_free", help: "Free \udc00 slots.")).Message, StringComparison.Ordinal);
        var missing = Assert.Throws<ArgumentException>(() => Client.Gauge("pool_free", new Dictionary<string, string> { ["pool"] = null! }));
        Assert.Contains("'pool' has no value", missing.Message, StringComparison.Ordinal);
        // A pair is one character, and 1024 of them are allowed.
        Client.Gauge("pool_free", new Dictionary<string, string> { ["pool"] = string.Concat(Enumerable.Repeat("\ud83d\ude00", 1024)) });
    }

    [Fact]
    public void A_counter_named_only_total_throws_at_creation_and_other_kinds_may_take_the_name()
    {
        var error = Assert.Throws<ArgumentException>(() => Client.Counter("_total"));

        Assert.Equal("name", error.ParamName);
        Assert.Contains("'_total' cannot name a counter", error.Message, StringComparison.Ordinal);
        Client.Gauge("_total");
    }

    [Theory]
    [InlineData("gateway_requests_total")]
    [InlineData("metric_collector_series")]
    public void A_reserved_metric_name_throws_at_creation(string name)
    {
        var error = Assert.Throws<ArgumentException>(() => Client.Gauge(name));

        Assert.Equal("name", error.ParamName);
        Assert.Contains("reserved", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_metric_defined_again_differently_throws_at_creation_naming_the_first_definition()
    {
        Client.Counter("jobs_total", new Dictionary<string, string> { ["queue"] = "a" });
        Client.Histogram("step_seconds", [0.1, 1], new Dictionary<string, string> { ["step"] = "a" });
        Client.Summary("tool_seconds", [new SummaryObjective(0.5, 0.05)]);

        Assert.Contains("already a counter", Assert.Throws<ArgumentException>(() => Client.Gauge("jobs_total")).Message, StringComparison.Ordinal);
        Assert.Contains("counter 'jobs_total'", Assert.Throws<ArgumentException>(() => Client.Gauge("jobs")).Message, StringComparison.Ordinal);
        Assert.Contains("queue", Assert.Throws<ArgumentException>(() => Client.Counter("jobs_total", new Dictionary<string, string> { ["lane"] = "a" })).Message, StringComparison.Ordinal);
        Assert.Contains("buckets", Assert.Throws<ArgumentException>(() => Client.Histogram("step_seconds", [0.1, 2], new Dictionary<string, string> { ["step"] = "b" })).Message, StringComparison.Ordinal);
        Assert.Contains("buckets", Assert.Throws<ArgumentException>(() => Client.Histogram("step_seconds", [0.1, 2], new Dictionary<string, string> { ["step"] = "a" })).Message, StringComparison.Ordinal);
        Assert.Contains("objectives", Assert.Throws<ArgumentException>(() => Client.Summary("tool_seconds", [new SummaryObjective(0.9, 0.01)])).Message, StringComparison.Ordinal);
        Assert.Contains("step_seconds", Assert.Throws<ArgumentException>(() => Client.Gauge("step_seconds_count")).Message, StringComparison.Ordinal);

        // The same objectives in another order are the same summary, as the collector takes them.
        var tool = Client.Summary("tool_p_seconds", [new SummaryObjective(0.5, 0.05), new SummaryObjective(0.99, 0.001)]);
        Assert.Same(tool, Client.Summary("tool_p_seconds", [new SummaryObjective(0.99, 0.001), new SummaryObjective(0.5, 0.05)]));
        Assert.Contains("objectives", Assert.Throws<ArgumentException>(() => Client.Summary("tool_p_seconds", [new SummaryObjective(0.5, 0.05), new SummaryObjective(0.5, 0.05)])).Message, StringComparison.Ordinal);

        // The same definition again, or one leaving the buckets to the first, is the same metric.
        Assert.Same(Client.Histogram("step_seconds", labels: new Dictionary<string, string> { ["step"] = "a" }), Client.Histogram("step_seconds", [0.1, 1], new Dictionary<string, string> { ["step"] = "a" }));
        Client.Histogram("step_seconds", [0.1, 1], new Dictionary<string, string> { ["step"] = "c" });
        Client.Counter("jobs", new Dictionary<string, string> { ["queue"] = "b" });
    }

    /// <summary>
    /// A histogram or summary first defined without buckets or objectives has the collector's defaults, which the
    /// client does not know. Buckets or objectives given later were taken as the metric's, for that series and every
    /// later one: the collector, whose metric the first record defined with its defaults, refused those series a second
    /// later (409 definition_conflict), the refusal this check exists to throw at creation instead.
    /// </summary>
    [Fact]
    public void Buckets_or_objectives_given_after_a_first_definition_without_them_throw_at_creation()
    {
        Client.Histogram("step_seconds", labels: new Dictionary<string, string> { ["step"] = "a" });
        Client.Summary("tool_seconds", labels: new Dictionary<string, string> { ["tool"] = "a" });

        var buckets = Assert.Throws<ArgumentException>(() => Client.Histogram("step_seconds", [0.1, 1], new Dictionary<string, string> { ["step"] = "b" }));
        Assert.Equal("buckets", buckets.ParamName);
        Assert.Contains("default", buckets.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => Client.Histogram("step_seconds", [0.1, 1], new Dictionary<string, string> { ["step"] = "a" }));
        var objectives = Assert.Throws<ArgumentException>(() => Client.Summary("tool_seconds", [new SummaryObjective(0.9, 0.01)], new Dictionary<string, string> { ["tool"] = "b" }));
        Assert.Equal("objectives", objectives.ParamName);

        // Leaving them to the first is still the same metric.
        Client.Histogram("step_seconds", labels: new Dictionary<string, string> { ["step"] = "c" });
        Client.Summary("tool_seconds", labels: new Dictionary<string, string> { ["tool"] = "c" });
    }

    [Fact]
    public async Task Label_names_that_only_resemble_reserved_ones_le_on_a_gauge_and_a_zero_bound_are_accepted_and_sent()
    {
        Client.Histogram("step_seconds", [0, 0.5, 1], new Dictionary<string, string> { ["le_ok"] = "1", ["_x"] = "2" }).Observe(0.2);
        Client.Gauge("pool_free", new Dictionary<string, string> { ["le"] = "1" }).Set(1);

        Assert.True(await Client.FlushAsync());

        Assert.Equal(2, Records.Length);
    }

    [Fact]
    public async Task Records_beyond_the_batch_size_go_in_further_batches_each_with_its_own_key()
    {
        await using var small = TestClient.Create(_collector.Address, o => o.BatchSize = 2);
        for (int i = 0; i < 5; i++)
        {
            small.Client.Counter("jobs_total", new Dictionary<string, string> { ["n"] = i.ToString(System.Globalization.CultureInfo.InvariantCulture) }).Inc();
        }

        await small.Client.FlushAsync();

        var batches = _collector.Batches;
        Assert.Equal([2, 2, 1], batches.Select(b => b.Records.Length));
        Assert.Equal(3, batches.Select(b => b.Key).Distinct().Count());
    }

    [Fact]
    public async Task A_batch_is_closed_before_its_body_passes_the_largest_batch_size_in_bytes()
    {
        await using var small = TestClient.Create(_collector.Address, o => o.MaxBatchBytes = 1024);
        for (int i = 0; i < 40; i++)
        {
            small.Client.Counter("jobs_total", new Dictionary<string, string> { ["n"] = i.ToString(System.Globalization.CultureInfo.InvariantCulture) }).Inc();
        }

        Assert.True(await small.Client.FlushAsync());

        var bodies = _collector.Server.LogEntries.Select(e => e.RequestMessage.BodyAsBytes!.Length).ToArray();
        Assert.True(bodies.Length > 1);
        // Each closed when the next record would not fit; the last holds what was left.
        Assert.All(bodies[..^1], length => Assert.InRange(length, 900, 1024));
        Assert.InRange(bodies[^1], 1, 1024);
        Assert.Equal(40, _collector.Batches.Sum(b => b.Records.Length));
        Assert.Equal(40, small.Client.Statistics.Sent);
    }

    [Fact]
    public async Task More_than_a_thousand_observations_of_one_series_are_split_into_records_the_schema_allows()
    {
        await using var large = TestClient.Create(_collector.Address, o => o.ObservationCapacity = 2500);
        var step = large.Client.Histogram("step_seconds");
        for (int i = 0; i < 2500; i++)
        {
            step.Observe(i);
        }

        await large.Client.FlushAsync();

        Assert.Equal([1000, 1000, 500], Assert.Single(_collector.Batches).Records.Select(r => r.GetProperty("values").GetArrayLength()));
    }
}
