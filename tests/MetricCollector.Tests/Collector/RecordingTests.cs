using MetricCollector.Exposition;
using MetricCollector.Recording;

namespace MetricCollector.Tests.Collector;

public sealed class RecordingTests
{
    [Fact]
    public async Task A_counter_without_value_counts_one_and_either_spelling_reaches_the_total_series()
    {
        var collector = TestCollector.Create();

        await collector.RecordAsync(TestCollector.Counter("sandbox_allocations"));
        await collector.RecordAsync(TestCollector.Counter("sandbox_allocations_total", 2.5));

        var samples = TestCollector.Samples(await collector.ExposeAsync());
        Assert.Equal(3.5, samples["sandbox_allocations_total"]);
        Assert.DoesNotContain("sandbox_allocations_total_total", samples.Keys);
    }

    [Fact]
    public async Task Counters_never_decrease()
    {
        var collector = TestCollector.Create();
        await collector.RecordAsync(TestCollector.Counter("jobs", 5));

        var outcome = await collector.RecordAsync(TestCollector.Counter("jobs", -1));

        Assert.Equal(RejectionReason.InvalidValue, outcome.Rejection!.Reason);
        Assert.Equal(400, outcome.Rejection.StatusCode);
        Assert.Equal("/value", outcome.Rejection.Field);
        Assert.Equal(5, TestCollector.Samples(await collector.ExposeAsync())["jobs_total"]);
    }

    [Theory]
    [InlineData(double.PositiveInfinity)]
    [InlineData(double.NegativeInfinity)]
    [InlineData(double.NaN)]
    public async Task Values_that_are_not_finite_are_refused(double value)
    {
        var collector = TestCollector.Create();

        var outcome = await collector.RecordAsync(TestCollector.Gauge("temperature", value));

        Assert.Equal(RejectionReason.InvalidValue, outcome.Rejection!.Reason);
        Assert.DoesNotContain("temperature", await collector.ExposeAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_counter_increment_that_would_make_it_infinite_is_refused_and_leaves_it_unchanged()
    {
        var collector = TestCollector.Create();
        Assert.True((await collector.RecordAsync(TestCollector.Counter("ovc", double.MaxValue))).IsAccepted);

        var refused = await collector.RecordAsync(TestCollector.Counter("ovc", double.MaxValue));
        var small = await collector.RecordAsync(TestCollector.Counter("ovc", 1));

        Assert.Equal(RejectionReason.ValueOverflow, refused.Rejection!.Reason);
        Assert.Equal(422, refused.Rejection.StatusCode);
        Assert.Equal("/value", refused.Rejection.Field);
        Assert.Equal("value_overflow", refused.Rejection.ReasonLabel);
        Assert.True(small.IsAccepted);
        var samples = TestCollector.Samples(await collector.ExposeAsync());
        Assert.Equal(double.MaxValue, samples["ovc_total"]);
        Assert.Equal(1, samples["metric_collector_records_total{result=\"rejected\",reason=\"value_overflow\"}"]);
    }

    [Theory]
    [InlineData(GaugeOperation.Inc, double.MaxValue)]
    [InlineData(GaugeOperation.Dec, -double.MaxValue)]
    public async Task A_gauge_change_that_would_make_it_infinite_is_refused_and_leaves_it_unchanged(GaugeOperation operation, double start)
    {
        var collector = TestCollector.Create();
        await collector.RecordAsync(TestCollector.Gauge("ovg", start));

        var refused = await collector.RecordAsync(TestCollector.Gauge("ovg", double.MaxValue, operation));
        var set = await collector.RecordAsync(TestCollector.Gauge("ovg_set", double.MaxValue));

        Assert.Equal(RejectionReason.ValueOverflow, refused.Rejection!.Reason);
        Assert.Equal("/value", refused.Rejection.Field);
        Assert.True(set.IsAccepted);
        var samples = TestCollector.Samples(await collector.ExposeAsync());
        Assert.Equal(start, samples["ovg"]);
    }

    [Theory]
    [InlineData(MetricType.Histogram)]
    [InlineData(MetricType.Summary)]
    public async Task An_observation_that_would_make_the_sum_infinite_is_refused_and_observes_nothing(MetricType type)
    {
        var collector = TestCollector.Create();
        await collector.RecordAsync(new MetricRecord("ovh", type) { Value = double.MaxValue });

        var single = await collector.RecordAsync(new MetricRecord("ovh", type) { Value = double.MaxValue });
        var several = await collector.RecordAsync(new MetricRecord("ovh", type) { Values = [1, double.MaxValue] });
        var small = await collector.RecordAsync(new MetricRecord("ovh", type) { Values = [1, 2] });

        Assert.Equal(RejectionReason.ValueOverflow, single.Rejection!.Reason);
        Assert.Equal("/value", single.Rejection.Field);
        Assert.Equal(RejectionReason.ValueOverflow, several.Rejection!.Reason);
        Assert.Equal("/values", several.Rejection.Field);
        Assert.True(small.IsAccepted);
        var samples = TestCollector.Samples(await collector.ExposeAsync());
        Assert.Equal(double.MaxValue, samples["ovh_sum"]);
        Assert.Equal(3, samples["ovh_count"]);
    }

    [Fact]
    public async Task Values_whose_own_sum_is_infinite_are_refused_before_they_define_anything()
    {
        var collector = TestCollector.Create();

        var refused = await collector.RecordAsync(new MetricRecord("ovh_new", MetricType.Histogram) { Values = [double.MaxValue, double.MaxValue] });

        Assert.Equal(RejectionReason.ValueOverflow, refused.Rejection!.Reason);
        Assert.Equal("/values", refused.Rejection.Field);
        string text = await collector.ExposeAsync();
        Assert.DoesNotContain("ovh_new", text, StringComparison.Ordinal);
        Assert.Equal(0, TestCollector.Samples(text)["metric_collector_series"]);
    }

    [Fact]
    public async Task Gauges_set_increase_and_decrease()
    {
        var collector = TestCollector.Create();

        await collector.RecordAsync(TestCollector.Gauge("queue_depth", 10));
        await collector.RecordAsync(TestCollector.Gauge("queue_depth", 3, GaugeOperation.Inc));
        await collector.RecordAsync(TestCollector.Gauge("queue_depth", 5, GaugeOperation.Dec));

        Assert.Equal(8, TestCollector.Samples(await collector.ExposeAsync())["queue_depth"]);
    }

    [Fact]
    public async Task Histogram_values_are_all_observed_into_default_buckets()
    {
        var collector = TestCollector.Create();

        await collector.RecordAsync(new MetricRecord("step_seconds", MetricType.Histogram) { Values = [0.003, 0.2, 20] });

        var samples = TestCollector.Samples(await collector.ExposeAsync());
        Assert.Equal(3, samples["step_seconds_count"]);
        Assert.Equal(20.203, samples["step_seconds_sum"], 6);
        Assert.Equal(1, samples["step_seconds_bucket{le=\"0.005\"}"]);
        Assert.Equal(2, samples["step_seconds_bucket{le=\"10\"}"]);
        Assert.Equal(3, samples["step_seconds_bucket{le=\"+Inf\"}"]);
    }

    [Fact]
    public async Task Summaries_expose_the_default_quantiles()
    {
        var collector = TestCollector.Create();

        await collector.RecordAsync(new MetricRecord("mcp_call_seconds", MetricType.Summary) { Values = [1, 2, 3, 4, 5] });

        var samples = TestCollector.Samples(await collector.ExposeAsync());
        Assert.Equal(5, samples["mcp_call_seconds_count"]);
        Assert.Equal(15, samples["mcp_call_seconds_sum"]);
        Assert.Contains("mcp_call_seconds{quantile=\"0.5\"}", samples.Keys);
        Assert.Contains("mcp_call_seconds{quantile=\"0.99\"}", samples.Keys);
    }

    [Fact]
    public async Task Help_defaults_to_a_description_of_the_type_and_keeps_the_first_text()
    {
        var collector = TestCollector.Create();

        await collector.RecordAsync(TestCollector.Gauge("pool_free", 1));
        await collector.RecordAsync(new MetricRecord("pool_used", MetricType.Gauge) { Value = 1, Help = "Sandboxes in use." });
        await collector.RecordAsync(new MetricRecord("pool_used", MetricType.Gauge) { Value = 2, Help = "Ignored later text." });

        string text = await collector.ExposeAsync();
        Assert.Contains("# HELP pool_free gauge pool_free, pushed through POST /record.", text, StringComparison.Ordinal);
        Assert.Contains("# HELP pool_used Sandboxes in use.", text, StringComparison.Ordinal);
        Assert.DoesNotContain("Ignored later text", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Parallel_writers_lose_nothing()
    {
        var collector = TestCollector.Create();
        const int Writers = 8;
        const int PerWriter = 5000;

        await Task.WhenAll(Enumerable.Range(0, Writers).Select(w => Task.Run(async () =>
        {
            for (int i = 0; i < PerWriter; i++)
            {
                // Half the writers share one series, the other half spread over four: creation races and increments.
                string pool = w % 2 == 0 ? "shared" : "p" + (i % 4);
                await collector.RecordAsync(TestCollector.Counter("allocations", 1, ("poolName", pool)));
                await collector.RecordAsync(new MetricRecord("alloc_seconds", MetricType.Histogram) { Value = 0.01, Labels = TestCollector.Labels(("poolName", pool)) });
            }
        })));

        var samples = TestCollector.Samples(await collector.ExposeAsync());
        double total = samples.Where(s => s.Key.StartsWith("allocations_total{", StringComparison.Ordinal)).Sum(s => s.Value);
        double observed = samples.Where(s => s.Key.StartsWith("alloc_seconds_count{", StringComparison.Ordinal)).Sum(s => s.Value);
        Assert.Equal(Writers * PerWriter, total);
        Assert.Equal(Writers * PerWriter, observed);
        Assert.Equal(Writers / 2 * PerWriter, samples["allocations_total{poolName=\"shared\"}"]);
        Assert.Equal(Writers * PerWriter * 2, samples["metric_collector_records_total{result=\"accepted\",reason=\"\"}"]);
        Assert.Equal(10, samples["metric_collector_series"]);
        Assert.Equal(2, samples["metric_collector_metrics"]);
    }

    [Fact]
    public async Task Rejections_are_counted_by_reason()
    {
        var collector = TestCollector.Create();
        await collector.RecordAsync(TestCollector.Gauge("g", 1));

        await collector.RecordAsync(TestCollector.Counter("g"));
        await collector.RecordAsync(TestCollector.Counter("c", -1));
        await collector.RecordAsync(TestCollector.Gauge("gateway_x", 1));

        var samples = TestCollector.Samples(await collector.ExposeAsync());
        Assert.Equal(1, samples["metric_collector_records_total{result=\"accepted\",reason=\"\"}"]);
        Assert.Equal(1, samples["metric_collector_records_total{result=\"rejected\",reason=\"definition_conflict\"}"]);
        Assert.Equal(1, samples["metric_collector_records_total{result=\"rejected\",reason=\"invalid_value\"}"]);
        Assert.Equal(1, samples["metric_collector_records_total{result=\"rejected\",reason=\"reserved_name\"}"]);
        Assert.Equal(0, samples["metric_collector_records_total{result=\"rejected\",reason=\"malformed_json\"}"]);
    }

    [Fact]
    public async Task OpenMetrics_output_types_pushed_counters_as_counters()
    {
        var collector = TestCollector.Create();
        await collector.RecordAsync(TestCollector.Counter("sandbox_allocations"));

        string text = await collector.ExposeAsync(MetricsFormat.OpenMetrics);

        Assert.Contains("# TYPE sandbox_allocations counter", text, StringComparison.Ordinal);
        Assert.DoesNotContain("unknown", text, StringComparison.Ordinal);
        Assert.EndsWith("# EOF\n", text, StringComparison.Ordinal);
    }
}
