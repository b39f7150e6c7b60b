using MetricCollector.Collector;
using MetricCollector.Recording;
using Microsoft.Extensions.Time.Testing;

namespace MetricCollector.Tests.Collector;

public sealed class SeriesExpiryTests
{
    private readonly FakeTimeProvider _time = new();

    [Fact]
    public async Task A_series_not_updated_within_the_configured_ttl_disappears_from_the_exposition()
    {
        using var collector = TestCollector.Create(new MetricCollectorOptions { SeriesTimeToLive = TimeSpan.FromMinutes(5) }, time: _time);
        await collector.RecordAsync(TestCollector.Gauge("stale", 1));
        await collector.RecordAsync(TestCollector.Gauge("fresh", 1));

        _time.Advance(TimeSpan.FromMinutes(4));
        await collector.RecordAsync(TestCollector.Gauge("fresh", 2));
        _time.Advance(TimeSpan.FromMinutes(1));
        var samples = TestCollector.Samples(await collector.ExposeAsync());

        Assert.False(samples.ContainsKey("stale"));
        Assert.Equal(2, samples["fresh"]);
        Assert.Equal(1, samples["metric_collector_series"]);
        Assert.Equal(1, samples["metric_collector_series_removed_total{cause=\"expired\"}"]);
    }

    [Fact]
    public async Task A_record_ttl_overrides_the_default_and_every_update_renews_it()
    {
        using var collector = TestCollector.Create(time: _time);
        var record = TestCollector.Counter("jobs", 1) with { TimeToLive = TimeSpan.FromSeconds(30) };
        await collector.RecordAsync(record);
        await collector.RecordAsync(TestCollector.Gauge("kept", 1));

        _time.Advance(TimeSpan.FromSeconds(20));
        await collector.RecordAsync(record);
        _time.Advance(TimeSpan.FromSeconds(20));
        var renewed = TestCollector.Samples(await collector.ExposeAsync());
        _time.Advance(TimeSpan.FromSeconds(10));
        var expired = TestCollector.Samples(await collector.ExposeAsync());

        Assert.Equal(2, renewed["jobs_total"]);
        Assert.False(expired.ContainsKey("jobs_total"));
        Assert.Equal(1, expired["kept"]);
    }

    [Fact]
    public async Task A_counter_that_comes_back_after_expiry_starts_again_and_its_budget_was_returned()
    {
        using var collector = TestCollector.Create(new MetricCollectorOptions { SeriesTimeToLive = TimeSpan.FromSeconds(10), MaxSeries = 1 }, time: _time);
        await collector.RecordAsync(TestCollector.Counter("c", 5, ("k", "a")));
        _time.Advance(TimeSpan.FromSeconds(10));
        collector.RemoveExpired();

        var other = await collector.RecordAsync(TestCollector.Counter("c", 1, ("k", "b")));
        _time.Advance(TimeSpan.FromSeconds(10));
        var back = await collector.RecordAsync(TestCollector.Counter("c", 2, ("k", "a")));
        var samples = TestCollector.Samples(await collector.ExposeAsync());

        Assert.True(other.IsAccepted);
        Assert.True(back.IsAccepted);
        Assert.Equal(2, samples["c_total{k=\"a\"}"]);
        Assert.False(samples.ContainsKey("c_total{k=\"b\"}"));
    }

    /// <summary>
    /// A review: a metric whose series had all expired kept its name, type and MaxMetrics slot for ever (snapshots
    /// included), so short-lived names with ttl_seconds ended with every new name refused while holding no series.
    /// </summary>
    [Fact]
    public async Task A_metric_whose_last_series_expired_is_forgotten_freeing_its_name_and_its_slot()
    {
        using var collector = TestCollector.Create(new MetricCollectorOptions { MaxMetrics = 1 }, time: _time);
        await collector.RecordAsync(TestCollector.Gauge("job_a", 1, labels: ("k", "x")) with { TimeToLive = TimeSpan.FromSeconds(1) });

        _time.Advance(TimeSpan.FromSeconds(2));
        collector.RemoveExpired();
        var other = await collector.RecordAsync(TestCollector.Gauge("job_b", 1));
        collector.Delete("job_b", TestCollector.Labels());
        var retyped = await collector.RecordAsync(TestCollector.Counter("job_a", 1));
        string exposition = await collector.ExposeAsync();

        Assert.True(other.IsAccepted);
        // job_b's series was deleted, not expired: its definition stays, as documented, and holds the one slot.
        Assert.Equal(RejectionReason.MetricLimit, retyped.Rejection!.Reason);
        Assert.DoesNotContain("job_a", exposition, StringComparison.Ordinal);
        Assert.Contains("# TYPE job_b gauge", exposition, StringComparison.Ordinal);
        Assert.Equal(1, TestCollector.Samples(exposition)["metric_collector_metrics"]);
    }

    [Fact]
    public async Task A_metric_given_a_series_again_before_the_scan_forgets_it_keeps_its_definition()
    {
        using var collector = TestCollector.Create(time: _time);
        await collector.RecordAsync(TestCollector.Gauge("g", 1, labels: ("k", "old")) with { TimeToLive = TimeSpan.FromSeconds(1) });
        await collector.RecordAsync(TestCollector.Gauge("g", 1, labels: ("k", "new")));

        _time.Advance(TimeSpan.FromSeconds(2));
        collector.RemoveExpired();
        var conflict = await collector.RecordAsync(TestCollector.Gauge("g", 1, labels: ("other", "x")));

        Assert.Equal(RejectionReason.DefinitionConflict, conflict.Rejection!.Reason);
        Assert.Equal(1, TestCollector.Samples(await collector.ExposeAsync())["g{k=\"new\"}"]);
    }

    /// <summary>
    /// A review: with a default time to live, a record without ttl_seconds reset a series' own to the default; without
    /// one, the series kept it. A series now keeps the ttl_seconds it was last given either way.
    /// </summary>
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_series_keeps_its_own_ttl_through_records_without_one_and_a_new_series_takes_the_default(bool withDefault)
    {
        using var collector = TestCollector.Create(
            new MetricCollectorOptions { SeriesTimeToLive = withDefault ? TimeSpan.FromSeconds(3) : null }, time: _time);
        await collector.RecordAsync(TestCollector.Gauge("g", 1, labels: ("k", "own")) with { TimeToLive = TimeSpan.FromHours(1) });
        await collector.RecordAsync(TestCollector.Gauge("g", 2, labels: ("k", "own")));
        await collector.RecordAsync(TestCollector.Gauge("g", 3, labels: ("k", "plain")));

        _time.Advance(TimeSpan.FromSeconds(10));
        collector.RemoveExpired();
        var samples = TestCollector.Samples(await collector.ExposeAsync());

        Assert.Equal(2, samples["g{k=\"own\"}"]);
        Assert.Equal(!withDefault, samples.ContainsKey("g{k=\"plain\"}"));
    }

    /// <summary>
    /// A review: a series being created (not yet written) counted as idle since time 0, so a scan between its creation
    /// and its first write took it from the writer, as expired.
    /// </summary>
    [Fact]
    public void A_series_not_yet_written_never_counts_as_expired()
    {
        var series = new ValueSeries();

        Assert.False(series.IsExpired(long.MaxValue, defaultTimeToLive: 1));
    }

    [Fact]
    public async Task The_expiry_timer_frees_expired_series_without_a_scrape()
    {
        using var collector = TestCollector.Create(
            new MetricCollectorOptions { SeriesTimeToLive = TimeSpan.FromSeconds(30), ExpiryScanInterval = TimeSpan.FromSeconds(5) }, time: _time);
        await collector.RecordAsync(TestCollector.Gauge("g", 1));

        _time.Advance(TimeSpan.FromSeconds(35));

        Assert.Equal(0, collector.SeriesCount);
    }

    [Fact]
    public async Task Writers_racing_with_expiry_never_fail_and_a_series_never_holds_more_than_was_written()
    {
        using var collector = TestCollector.Create(time: _time);
        var record = TestCollector.Counter("raced", 1) with { TimeToLive = TimeSpan.FromSeconds(1) };
        long applied = 0;
        using var stop = new CancellationTokenSource();
        // Several removers at once, as the expiry timer, a scrape and each other can be.
        var sweepers = Enumerable.Range(0, 3).Select(_ => Task.Run(() =>
        {
            while (!stop.IsCancellationRequested)
            {
                collector.RemoveExpired();
            }
        })).ToArray();

        // Writers race the sweeper while the series keeps expiring under them: no write may fail or throw, and each
        // round leaves a live series holding at most what was written since the start.
        for (int round = 0; round < 50; round++)
        {
            _time.Advance(TimeSpan.FromSeconds(2));
            await WriteAsync(collector, record, () => Interlocked.Increment(ref applied));
            double value = TestCollector.Samples(await collector.ExposeAsync())["raced_total"];
            Assert.InRange(value, 1, 400 * (round + 1));
        }

        await stop.CancelAsync();
        await Task.WhenAll(sweepers);

        // Then once more with the removal known to have happened first: exactly the 400 new writes remain.
        _time.Advance(TimeSpan.FromSeconds(2));
        collector.RemoveExpired();
        await WriteAsync(collector, record, () => Interlocked.Increment(ref applied));
        Assert.Equal(20_400, applied);
        Assert.Equal(400, TestCollector.Samples(await collector.ExposeAsync())["raced_total"]);
        Assert.True(collector.RemovedSeries >= 1);
        Assert.Equal(1, collector.SeriesCount);
    }

    private static Task WriteAsync(PrometheusMetricCollector collector, MetricRecord record, Action onApplied) =>
        Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
        {
            for (int i = 0; i < 100; i++)
            {
                if ((await collector.RecordAsync(record)).IsAccepted)
                {
                    onApplied();
                }
            }
        })));
}
