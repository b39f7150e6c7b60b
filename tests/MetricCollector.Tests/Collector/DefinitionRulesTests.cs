using MetricCollector.Recording;

namespace MetricCollector.Tests.Collector;

public sealed class DefinitionRulesTests
{
    [Fact]
    public async Task A_second_type_for_the_same_name_is_a_conflict_naming_the_existing_definition()
    {
        var collector = TestCollector.Create();
        await collector.RecordAsync(TestCollector.Gauge("pool_size", 3));

        var outcome = await collector.RecordAsync(TestCollector.Counter("pool_size"));

        Assert.Equal(RejectionReason.DefinitionConflict, outcome.Rejection!.Reason);
        Assert.Equal(409, outcome.Rejection.StatusCode);
        Assert.Equal("/metric_type", outcome.Rejection.Field);
        Assert.Equal(MetricType.Gauge, outcome.Rejection.ExistingDefinition!.Type);
        Assert.Equal("pool_size", outcome.Rejection.ExistingDefinition.Name);
    }

    [Theory]
    [InlineData(MetricType.Gauge)]
    [InlineData(MetricType.Histogram)]
    public async Task A_counter_refused_for_the_name_its_total_takes_leaves_later_records_of_its_own_name_to_their_own_metric(MetricType type)
    {
        // A review's fuzzer: the refused counter "x" left "x" pointing at "x_total" (a gauge), so a later gauge "x" was
        // written into "x_total", and a histogram "x" into the histogram "x_total".
        var collector = TestCollector.Create();
        await collector.RecordAsync(new MetricRecord("x_total", type) { Value = 5 });
        var counter = await collector.RecordAsync(TestCollector.Counter("x"));

        var own = await collector.RecordAsync(new MetricRecord("x", type) { Value = 7 });

        Assert.Equal(RejectionReason.DefinitionConflict, counter.Rejection!.Reason);
        Assert.Null(own.Rejection);
        var samples = TestCollector.Samples(await collector.ExposeAsync());
        string value = type == MetricType.Gauge ? "" : "_sum";
        Assert.Equal(5, samples["x_total" + value]);
        Assert.Equal(7, samples["x" + value]);
    }

    [Fact]
    public async Task A_different_label_name_set_is_a_conflict_and_leaves_the_series_untouched()
    {
        var collector = TestCollector.Create();
        await collector.RecordAsync(TestCollector.Counter("jobs", 2, ("appId", "a")));

        var outcome = await collector.RecordAsync(TestCollector.Counter("jobs", 5, ("appId", "a"), ("stepId", "s")));

        Assert.Equal(RejectionReason.DefinitionConflict, outcome.Rejection!.Reason);
        Assert.Equal("/labels", outcome.Rejection.Field);
        Assert.Equal(["appId"], outcome.Rejection.ExistingDefinition!.LabelNames);
        var samples = TestCollector.Samples(await collector.ExposeAsync());
        Assert.Equal(2, samples["jobs_total{appId=\"a\"}"]);
    }

    [Fact]
    public async Task Missing_labels_are_a_conflict_too()
    {
        var collector = TestCollector.Create();
        await collector.RecordAsync(TestCollector.Counter("jobs", 1, ("appId", "a")));

        var outcome = await collector.RecordAsync(TestCollector.Counter("jobs", 1));

        Assert.Equal(RejectionReason.DefinitionConflict, outcome.Rejection!.Reason);
    }

    [Fact]
    public async Task Label_order_does_not_matter()
    {
        var collector = TestCollector.Create();
        await collector.RecordAsync(TestCollector.Counter("jobs", 1, ("appId", "a"), ("poolName", "p")));

        var outcome = await collector.RecordAsync(TestCollector.Counter("jobs", 2, ("poolName", "p"), ("appId", "a")));

        Assert.True(outcome.IsAccepted);
        var samples = TestCollector.Samples(await collector.ExposeAsync());
        Assert.Equal(3, samples["jobs_total{appId=\"a\",poolName=\"p\"}"]);
    }

    [Fact]
    public async Task Different_buckets_are_a_conflict_but_omitted_buckets_reuse_the_first()
    {
        var collector = TestCollector.Create();
        await collector.RecordAsync(new MetricRecord("latency_seconds", MetricType.Histogram) { Value = 0.2, Buckets = [0.1, 1] });

        var differing = await collector.RecordAsync(new MetricRecord("latency_seconds", MetricType.Histogram) { Value = 0.2, Buckets = [0.1, 2] });
        var omitted = await collector.RecordAsync(new MetricRecord("latency_seconds", MetricType.Histogram) { Value = 0.5 });
        var same = await collector.RecordAsync(new MetricRecord("latency_seconds", MetricType.Histogram) { Value = 5, Buckets = [0.1, 1] });

        Assert.Equal("/buckets", differing.Rejection!.Field);
        Assert.Equal([0.1, 1], differing.Rejection.ExistingDefinition!.Buckets);
        Assert.True(omitted.IsAccepted);
        Assert.True(same.IsAccepted);
        var samples = TestCollector.Samples(await collector.ExposeAsync());
        Assert.Equal(0, samples["latency_seconds_bucket{le=\"0.1\"}"]);
        Assert.Equal(2, samples["latency_seconds_bucket{le=\"1\"}"]);
        Assert.Equal(3, samples["latency_seconds_bucket{le=\"+Inf\"}"]);
        Assert.Equal(3, samples["latency_seconds_count"]);
    }

    [Fact]
    public async Task Different_objectives_are_a_conflict()
    {
        var collector = TestCollector.Create();
        await collector.RecordAsync(new MetricRecord("step_seconds", MetricType.Summary) { Value = 1, Objectives = [new QuantileObjective(0.5, 0.05)] });

        var outcome = await collector.RecordAsync(new MetricRecord("step_seconds", MetricType.Summary) { Value = 1, Objectives = [new QuantileObjective(0.9, 0.01)] });

        Assert.Equal("/objectives", outcome.Rejection!.Field);
        Assert.Equal(RejectionReason.DefinitionConflict, outcome.Rejection.Reason);
    }

    [Fact]
    public async Task The_same_objectives_in_another_order_are_no_conflict_and_are_written_by_quantile()
    {
        var collector = TestCollector.Create();
        QuantileObjective[] given = [new(0.99, 0.001), new(0.5, 0.05), new(0.9, 0.01)];
        Assert.True((await collector.RecordAsync(new MetricRecord("step_seconds", MetricType.Summary) { Value = 1, Objectives = given })).IsAccepted);

        var outcome = await collector.RecordAsync(new MetricRecord("step_seconds", MetricType.Summary) { Value = 2, Objectives = [given[1], given[2], given[0]] });

        Assert.True(outcome.IsAccepted, outcome.Rejection?.Detail);
        string[] quantiles = [.. (await collector.ExposeAsync()).Split('\n').Where(line => line.StartsWith("step_seconds{", StringComparison.Ordinal))];
        Assert.Equal(["step_seconds{quantile=\"0.5\"} 1", "step_seconds{quantile=\"0.9\"} 2", "step_seconds{quantile=\"0.99\"} 2"], quantiles);
    }

    /// <summary>
    /// OpenMetrics names a counter's family without its _total: a counter named _total alone would write "# TYPE  counter"
    /// with no name, which makes Prometheus refuse the whole scrape (found by a review, 2026-11-27).
    /// </summary>
    [Fact]
    public async Task A_counter_named_only_total_is_refused_naming_the_field_and_the_exposition_stays_valid()
    {
        var collector = TestCollector.Create();

        var outcome = await collector.RecordAsync(new MetricRecord("_total", MetricType.Counter) { Value = 1 });
        var longer = await collector.RecordAsync(new MetricRecord("_total_total", MetricType.Counter) { Value = 1 });

        Assert.Equal(RejectionReason.SchemaViolation, outcome.Rejection!.Reason);
        Assert.Equal("/metric_name", outcome.Rejection.Field);
        Assert.Contains("'_total' cannot name a counter", outcome.Rejection.Detail, StringComparison.Ordinal);
        Assert.True(longer.IsAccepted);
        string openMetrics = await collector.ExposeAsync(MetricCollector.Exposition.MetricsFormat.OpenMetrics);
        Assert.DoesNotContain("# TYPE  ", openMetrics, StringComparison.Ordinal);
        Assert.Contains("# TYPE _total counter", openMetrics, StringComparison.Ordinal);
        Assert.True(await MetricCollector.Tests.Exposition.ExpositionOracles.PythonParseAsync(openMetrics, openMetrics: true) > 0);
    }

    [Theory]
    [InlineData("metric_collector_records")]
    [InlineData("gateway_requests")]
    [InlineData("__internal")]
    public async Task Reserved_prefixes_are_refused_with_409(string name)
    {
        var collector = TestCollector.Create();

        var outcome = await collector.RecordAsync(TestCollector.Gauge(name, 1));

        Assert.Equal(RejectionReason.ReservedName, outcome.Rejection!.Reason);
        Assert.Equal(409, outcome.Rejection.StatusCode);
        Assert.DoesNotContain($"\n{name} ", await collector.ExposeAsync(), StringComparison.Ordinal);
    }

    /// <summary>A review: a histogram named "gateway" was accepted and wrote gateway_bucket, gateway_sum, gateway_count.</summary>
    [Theory]
    [InlineData("gateway", "histogram", "gateway_bucket")]
    [InlineData("metric_collector", "summary", "metric_collector_count")]
    public async Task A_metric_whose_series_names_fall_in_a_reserved_prefix_is_refused_with_409_naming_one(string name, string type, string exposed)
    {
        var collector = TestCollector.Create();
        var record = new MetricCollector.Recording.MetricRecord(name, type == "histogram" ? MetricType.Histogram : MetricType.Summary) { Value = 1 };

        var outcome = await collector.RecordAsync(record);

        Assert.Equal(RejectionReason.ReservedName, outcome.Rejection!.Reason);
        Assert.Equal(409, outcome.Rejection.StatusCode);
        Assert.Contains($"would expose '{exposed}'", outcome.Rejection.Detail, StringComparison.Ordinal);
        Assert.DoesNotContain($"\n{exposed}", await collector.ExposeAsync(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("histogram", "x_count")]
    [InlineData("histogram", "x_sum")]
    [InlineData("histogram", "x_bucket")]
    [InlineData("histogram", "x_created")]
    [InlineData("summary", "x_count")]
    [InlineData("summary", "x_sum")]
    [InlineData("counter", "x_total")]
    [InlineData("counter", "x_created")]
    [InlineData("counter", "x")]
    public async Task Names_that_would_collide_in_the_exposition_are_refused(string firstType, string gaugeName)
    {
        var collector = TestCollector.Create();
        Assert.True(TypeNames.TryParse(firstType, out var type));
        var first = await collector.RecordAsync(new MetricRecord("x", type) { Value = 1 });
        Assert.True(first.IsAccepted);

        var outcome = await collector.RecordAsync(TestCollector.Gauge(gaugeName, 1));

        Assert.False(outcome.IsAccepted);
        Assert.Equal(409, outcome.Rejection!.StatusCode);
        Assert.Equal(type, outcome.Rejection.ExistingDefinition!.Type);
    }

    [Fact]
    public async Task A_histogram_beside_an_existing_gauge_x_count_is_refused()
    {
        var collector = TestCollector.Create();
        await collector.RecordAsync(TestCollector.Gauge("x_count", 1));

        var outcome = await collector.RecordAsync(new MetricRecord("x", MetricType.Histogram) { Value = 1 });

        Assert.Equal(RejectionReason.NameCollision, outcome.Rejection!.Reason);
    }

    [Fact]
    public async Task Collectors_are_isolated_from_each_other()
    {
        var first = TestCollector.Create();
        var second = TestCollector.Create();
        await first.RecordAsync(TestCollector.Gauge("only_here", 1));

        var outcome = await second.RecordAsync(TestCollector.Counter("only_here"));

        Assert.True(outcome.IsAccepted);
        Assert.DoesNotContain("only_here_total", await first.ExposeAsync(), StringComparison.Ordinal);
        Assert.DoesNotContain("only_here ", await second.ExposeAsync(), StringComparison.Ordinal);
    }
}
