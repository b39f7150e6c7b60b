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
    [Fact]
    public async Task A_new_name_refused_for_the_series_limit_is_left_undefined()
    {
        var collector = TestCollector.Create(new MetricCollectorOptions { MaxSeries = 1 });
        Assert.True((await collector.RecordAsync(TestCollector.Gauge("first", 1))).IsAccepted);

        var refused = await collector.RecordAsync(new MetricRecord("second", MetricType.Gauge) { Value = 1, Help = "refused" });
        var otherType = await collector.RecordAsync(TestCollector.Counter("second"));

        Assert.Equal(RejectionReason.SeriesLimit, refused.Rejection!.Reason);
        // Before the fix the refused gauge had fixed the name: this was a 409 "metric 'second' is a gauge".
        Assert.Equal(RejectionReason.SeriesLimit, otherType.Rejection!.Reason);
        string text = await collector.ExposeAsync();
        Assert.DoesNotContain("second", text, StringComparison.Ordinal);
        Assert.DoesNotContain("refused", text, StringComparison.Ordinal);
        var samples = TestCollector.Samples(text);
        Assert.Equal(1, samples["metric_collector_metrics"]);

        // Once there is room, the name takes the definition of the first record accepted for it.
        Assert.Equal(1, collector.Delete("first", new Dictionary<string, string>()));
        Assert.True((await collector.RecordAsync(TestCollector.Counter("second", 2))).IsAccepted);
        samples = TestCollector.Samples(await collector.ExposeAsync());
        Assert.Equal(2, samples["second_total"]);
    }

    [Fact]
    public async Task A_new_name_refused_for_the_series_limit_takes_no_metric_slot()
    {
        var collector = TestCollector.Create(new MetricCollectorOptions { MaxSeries = 1, MaxMetrics = 2 });
        await collector.RecordAsync(TestCollector.Gauge("first", 1));
        var refused = await collector.RecordAsync(TestCollector.Gauge("second", 1));
        collector.Delete("first", new Dictionary<string, string>());

        var third = await collector.RecordAsync(TestCollector.Gauge("third", 1));

        Assert.Equal(RejectionReason.SeriesLimit, refused.Rejection!.Reason);
        Assert.True(third.IsAccepted, third.Rejection?.Detail);
    }

    [Theory]
    [InlineData(MetricType.Histogram)]
    [InlineData(MetricType.Summary)]
    public async Task A_new_histogram_or_summary_refused_for_the_series_limit_is_left_undefined(MetricType type)
    {
        var collector = TestCollector.Create(new MetricCollectorOptions { MaxSeries = 1 });
        await collector.RecordAsync(TestCollector.Gauge("first", 1));

        var refused = await collector.RecordAsync(new MetricRecord("dist", type) { Value = 1, Help = "refused", Labels = TestCollector.Labels(("a", "x")) });
        collector.Delete("first", new Dictionary<string, string>());
        var gauge = await collector.RecordAsync(new MetricRecord("dist", MetricType.Gauge) { Value = 3, Help = "accepted" });

        Assert.Equal(RejectionReason.SeriesLimit, refused.Rejection!.Reason);
        Assert.True(gauge.IsAccepted, gauge.Rejection?.Detail);
        string text = await collector.ExposeAsync();
        Assert.DoesNotContain("refused", text, StringComparison.Ordinal);
        Assert.Contains("# HELP dist accepted\n# TYPE dist gauge\ndist 3\n", text, StringComparison.Ordinal);
        Assert.Single(text.Split('\n'), line => line.StartsWith("# TYPE dist ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Writers_racing_for_a_new_name_at_the_series_limit_leave_it_defined_only_with_a_series()
    {
        // One slot, held or freed while writers race to create a new name in it: the name ends up defined with the
        // one series that got the slot, or not defined at all; never defined bare by a refused writer.
        for (int round = 0; round < 40; round++)
        {
            bool free = round % 2 == 0;
            var collector = TestCollector.Create(new MetricCollectorOptions { MaxSeries = 1 });
            await collector.RecordAsync(TestCollector.Gauge("holder", 1));
            using var start = new Barrier(5);
            int freed = free ? 0 : 1;
            var writers = Enumerable.Range(0, 4).Select(w => Task.Run(() =>
            {
                start.SignalAndWait();
                var outcomes = new List<RecordOutcome>();
                // At least 20 records each, and some after the slot is freed, so that every round races for it.
                for (int i = 0, after = 0; i < 20 || after < 5; i++)
                {
                    after += Volatile.Read(ref freed);
                    outcomes.Add(collector.Record(new MetricRecord("racer", MetricType.Gauge) { Value = w, Labels = TestCollector.Labels(("w", "w" + w)) }));
                }

                return outcomes;
            })).ToArray();
            start.SignalAndWait();
            if (free)
            {
                collector.Delete("holder", new Dictionary<string, string>());
                Volatile.Write(ref freed, 1);
            }

            var outcomes = (await Task.WhenAll(writers)).SelectMany(o => o).ToList();

            string text = await collector.ExposeAsync();
            var samples = TestCollector.Samples(text);
            Assert.Equal(free ? 1 : 0, samples.Keys.Count(k => k.StartsWith("racer{", StringComparison.Ordinal)));
            Assert.Equal(free, text.Contains("# TYPE racer gauge", StringComparison.Ordinal));
            Assert.Equal(1, samples["metric_collector_series"]);
            Assert.Equal(free ? 2 : 1, samples["metric_collector_metrics"]);
            Assert.All(outcomes, o => Assert.True(o.IsAccepted || o.Rejection!.Reason == RejectionReason.SeriesLimit, o.Rejection?.Detail));
        }
    }
}
