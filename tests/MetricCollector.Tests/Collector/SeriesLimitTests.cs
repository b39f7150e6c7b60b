using MetricCollector.Collector;
using MetricCollector.Recording;

namespace MetricCollector.Tests.Collector;

public sealed class SeriesLimitTests
{
    [Fact]
    public async Task At_the_limit_new_series_are_refused_and_existing_ones_keep_counting()
    {
        var collector = TestCollector.Create(new MetricCollectorOptions { MaxSeries = 3 });
        for (int i = 0; i < 3; i++)
        {
            Assert.True((await collector.RecordAsync(TestCollector.Counter("requests", 1, ("user", "u" + i)))).IsAccepted);
        }

        var refused = await collector.RecordAsync(TestCollector.Counter("requests", 1, ("user", "u3")));
        var otherMetric = await collector.RecordAsync(TestCollector.Gauge("queue", 1));
        var existing = await collector.RecordAsync(TestCollector.Counter("requests", 5, ("user", "u0")));

        Assert.Equal(RejectionReason.SeriesLimit, refused.Rejection!.Reason);
        Assert.Equal(422, refused.Rejection.StatusCode);
        Assert.Equal(RejectionReason.SeriesLimit, otherMetric.Rejection!.Reason);
        Assert.True(existing.IsAccepted);
        string text = await collector.ExposeAsync();
        var samples = TestCollector.Samples(text);
        Assert.Equal(6, samples["requests_total{user=\"u0\"}"]);
        Assert.DoesNotContain("u3", text, StringComparison.Ordinal);
        Assert.DoesNotContain("\nqueue ", text, StringComparison.Ordinal);
        Assert.Equal(3, samples["metric_collector_series"]);
        Assert.Equal(3, samples["metric_collector_series_limit"]);
        Assert.Equal(2, samples["metric_collector_records_total{result=\"rejected\",reason=\"series_limit\"}"]);
    }

    [Fact]
    public async Task Racing_writers_of_new_series_never_pass_the_limit()
    {
        var collector = TestCollector.Create(new MetricCollectorOptions { MaxSeries = 100 });

        await Task.WhenAll(Enumerable.Range(0, 4).Select(w => Task.Run(async () =>
        {
            for (int i = 0; i < 200; i++)
            {
                await collector.RecordAsync(TestCollector.Counter("hits", 1, ("key", "k" + i)));
            }
        })));

        var samples = TestCollector.Samples(await collector.ExposeAsync());
        int series = samples.Keys.Count(k => k.StartsWith("hits_total{", StringComparison.Ordinal));
        Assert.Equal(100, series);
        Assert.Equal(100, samples["metric_collector_series"]);
        Assert.All(samples.Where(s => s.Key.StartsWith("hits_total{", StringComparison.Ordinal)), s => Assert.Equal(4, s.Value));
    }
}
