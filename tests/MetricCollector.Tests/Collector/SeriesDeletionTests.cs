using MetricCollector.Collector;

namespace MetricCollector.Tests.Collector;

public sealed class SeriesDeletionTests
{
    [Fact]
    public async Task Deleting_with_label_values_removes_only_the_matching_series()
    {
        var collector = TestCollector.Create();
        await collector.RecordAsync(TestCollector.Counter("allocs", 1, ("pool", "a"), ("zone", "1")));
        await collector.RecordAsync(TestCollector.Counter("allocs", 1, ("pool", "a"), ("zone", "2")));
        await collector.RecordAsync(TestCollector.Counter("allocs", 1, ("pool", "b"), ("zone", "1")));

        int? deleted = collector.Delete("allocs", TestCollector.Labels(("pool", "a")));
        var samples = TestCollector.Samples(await collector.ExposeAsync());

        Assert.Equal(2, deleted);
        Assert.Equal(1, samples["allocs_total{pool=\"b\",zone=\"1\"}"]);
        Assert.DoesNotContain(samples.Keys, k => k.Contains("pool=\"a\"", StringComparison.Ordinal));
        Assert.Equal(1, samples["metric_collector_series"]);
        Assert.Equal(2, samples["metric_collector_series_removed_total{cause=\"deleted\"}"]);
    }

    [Fact]
    public async Task A_deleted_counter_starts_again_from_zero_with_its_definition_kept()
    {
        var collector = TestCollector.Create();
        await collector.RecordAsync(TestCollector.Counter("jobs", 10));

        collector.Delete("jobs_total", TestCollector.Labels());
        await collector.RecordAsync(TestCollector.Counter("jobs", 1));
        var conflict = await collector.RecordAsync(TestCollector.Gauge("jobs", 1));

        Assert.Equal(1, TestCollector.Samples(await collector.ExposeAsync())["jobs_total"]);
        Assert.False(conflict.IsAccepted);
    }

    [Fact]
    public void Deleting_an_unknown_metric_says_so()
    {
        var collector = TestCollector.Create();

        Assert.Null(collector.Delete("nothing", TestCollector.Labels()));
    }

    /// <summary>A review: deleting "g" removed the series of a gauge named "g_total" and answered 200.</summary>
    [Fact]
    public async Task Deleting_a_name_finds_a_counter_by_its_total_name_but_no_other_type()
    {
        var collector = TestCollector.Create();
        await collector.RecordAsync(TestCollector.Gauge("g_total", 1));
        await collector.RecordAsync(TestCollector.Counter("jobs", 1));

        Assert.Null(collector.Delete("g", TestCollector.Labels()));
        Assert.Null(collector.LabelNamesOf("g"));
        Assert.Equal(1, collector.Delete("jobs", TestCollector.Labels()));
        Assert.Equal(1, TestCollector.Samples(await collector.ExposeAsync())["g_total"]);
    }

    [Fact]
    public async Task A_wipe_removes_every_pushed_series_but_not_the_collectors_own()
    {
        var collector = TestCollector.Create();
        await collector.RecordAsync(TestCollector.Counter("a", 1));
        await collector.RecordAsync(TestCollector.Gauge("b", 1, labels: ("x", "y")));

        int wiped = collector.Wipe();
        var samples = TestCollector.Samples(await collector.ExposeAsync());

        Assert.Equal(2, wiped);
        Assert.False(samples.ContainsKey("a_total"));
        Assert.False(samples.ContainsKey("b{x=\"y\"}"));
        Assert.Equal(2, samples["metric_collector_records_total{result=\"accepted\",reason=\"\"}"]);
        Assert.Equal(2, samples["metric_collector_series_removed_total{cause=\"wiped\"}"]);
    }
}
