using MetricCollector.Collector;
using MetricCollector.Recording;

namespace MetricCollector.Tests.Collector;

public sealed class ConfiguredLimitsTests
{
    [Fact]
    public async Task Beyond_the_metric_limit_new_names_are_refused_and_existing_metrics_keep_working()
    {
        var collector = TestCollector.Create(new MetricCollectorOptions { MaxMetrics = 2 });
        await collector.RecordAsync(TestCollector.Counter("a"));
        await collector.RecordAsync(TestCollector.Gauge("b", 1));

        var refused = await collector.RecordAsync(TestCollector.Counter("c"));
        var existing = await collector.RecordAsync(TestCollector.Counter("a", 2));

        Assert.Equal(RejectionReason.MetricLimit, refused.Rejection!.Reason);
        Assert.Equal(422, refused.Rejection.StatusCode);
        Assert.Equal("/metric_name", refused.Rejection.Field);
        Assert.True(existing.IsAccepted);
        var samples = TestCollector.Samples(await collector.ExposeAsync());
        Assert.Equal(3, samples["a_total"]);
        Assert.False(samples.ContainsKey("c_total"));
        Assert.Equal(1, samples["metric_collector_records_total{result=\"rejected\",reason=\"metric_limit\"}"]);
    }

    [Fact]
    public async Task One_metric_exploding_its_labels_is_refused_new_series_while_other_metrics_still_get_theirs()
    {
        var collector = TestCollector.Create(new MetricCollectorOptions { MaxSeriesPerMetric = 3, MaxSeries = 100 });
        for (int i = 0; i < 5; i++)
        {
            await collector.RecordAsync(TestCollector.Counter("by_request_id", 1, ("request_id", "r" + i)));
        }

        var other = await collector.RecordAsync(TestCollector.Counter("well_behaved", 1, ("pool", "p1")));
        var existing = await collector.RecordAsync(TestCollector.Counter("by_request_id", 1, ("request_id", "r0")));

        Assert.True(other.IsAccepted);
        Assert.True(existing.IsAccepted);
        var samples = TestCollector.Samples(await collector.ExposeAsync());
        Assert.Equal(3, samples.Keys.Count(k => k.StartsWith("by_request_id_total{", StringComparison.Ordinal)));
        Assert.Equal(2, samples["by_request_id_total{request_id=\"r0\"}"]);
        Assert.Equal(2, samples["metric_collector_records_total{result=\"rejected\",reason=\"metric_series_limit\"}"]);
    }

    [Fact]
    public async Task A_record_with_more_labels_than_configured_is_refused_naming_the_labels()
    {
        var collector = TestCollector.Create(new MetricCollectorOptions { MaxLabelsPerRecord = 2 });

        var outcome = await collector.RecordAsync(TestCollector.Counter("x", 1, ("a", "1"), ("b", "2"), ("c", "3")));

        Assert.Equal(RejectionReason.TooManyLabels, outcome.Rejection!.Reason);
        Assert.Equal(400, outcome.Rejection.StatusCode);
        Assert.Equal("/labels", outcome.Rejection.Field);
        Assert.Contains("at most 2", outcome.Rejection.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_label_value_longer_than_configured_is_refused_naming_the_label()
    {
        var collector = TestCollector.Create(new MetricCollectorOptions { MaxLabelValueLength = 8 });

        var outcome = await collector.RecordAsync(TestCollector.Counter("x", 1, ("pool", new string('p', 9))));
        var fits = await collector.RecordAsync(TestCollector.Counter("x", 1, ("pool", new string('p', 8))));

        Assert.Equal(RejectionReason.LabelValueTooLong, outcome.Rejection!.Reason);
        Assert.Equal("/labels/pool", outcome.Rejection.Field);
        Assert.True(fits.IsAccepted);
    }
}
