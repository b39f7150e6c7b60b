using MetricCollector.Collector;
using MetricCollector.Recording;
using Microsoft.Extensions.Time.Testing;

namespace MetricCollector.Tests.Collector;

/// <summary>
/// A pushed summary's quantiles cover the last <c>SummaryMaxAge</c> (between four fifths of it and all of it, as the
/// Prometheus clients' five age buckets do), while its count and sum cover everything since the series was created.
/// </summary>
public sealed class SummaryWindowTests
{
    [Fact]
    public async Task Observations_leave_the_quantiles_once_older_than_the_window_but_stay_in_count_and_sum()
    {
        var time = new FakeTimeProvider();
        var collector = TestCollector.Create(new MetricCollectorOptions { SummaryMaxAge = TimeSpan.FromMinutes(1) }, time: time);
        Record(collector, 100);
        time.Advance(TimeSpan.FromSeconds(30));
        Record(collector, 1);

        // 50 s after the first observation both are within the window.
        time.Advance(TimeSpan.FromSeconds(20));
        var samples = TestCollector.Samples(await collector.ExposeAsync());
        Assert.Equal(100, samples["wait_seconds{quantile=\"0.99\"}"]);

        // 61 s after it, the first has left the quantiles: the window is between 48 and 60 s long.
        time.Advance(TimeSpan.FromSeconds(11));
        samples = TestCollector.Samples(await collector.ExposeAsync());
        Assert.Equal(1, samples["wait_seconds{quantile=\"0.99\"}"]);
        Assert.Equal(2, samples["wait_seconds_count"]);
        Assert.Equal(101, samples["wait_seconds_sum"]);

        // Idle for a whole window: no quantile to show, the count and sum stay.
        time.Advance(TimeSpan.FromHours(3));
        samples = TestCollector.Samples(await collector.ExposeAsync());
        Assert.True(double.IsNaN(samples["wait_seconds{quantile=\"0.99\"}"]));
        Assert.Equal(2, samples["wait_seconds_count"]);

        // And it starts again with the next observation.
        Record(collector, 7);
        samples = TestCollector.Samples(await collector.ExposeAsync());
        Assert.Equal(7, samples["wait_seconds{quantile=\"0.5\"}"]);
        Assert.Equal(3, samples["wait_seconds_count"]);
    }

    [Fact]
    public async Task A_negative_zero_observation_is_shown_as_zero()
    {
        var collector = TestCollector.Create();

        Assert.True(collector.Record(new MetricRecord("zero_seconds", MetricType.Summary) { Value = -0.0 }).IsAccepted);

        Assert.Contains("zero_seconds{quantile=\"0.5\"} 0\n", await collector.ExposeAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_count_restored_at_its_limit_refuses_the_next_record_instead_of_wrapping_negative()
    {
        var collector = TestCollector.Create();
        var definition = new MetricDefinition("full_seconds", MetricType.Summary, [], null, [.. DefaultObjectives.Value], "help");
        var snapshot = new MetricCollector.Persistence.SnapshotDocument(MetricCollector.Persistence.SnapshotDocument.CurrentVersion, DateTimeOffset.UtcNow,
            [new MetricCollector.Persistence.SnapshotMetric(definition, [new MetricCollector.Persistence.SnapshotSeries([], null, null, 1, null) { Count = long.MaxValue - 1 }])]);
        Assert.Equal(1, MetricCollector.Persistence.SnapshotRestore.Restore(collector, snapshot).Restored);

        var outcome = collector.Record(new MetricRecord("full_seconds", MetricType.Summary) { Values = [1, 2] });

        Assert.Equal(RejectionReason.ValueOverflow, outcome.Rejection?.Reason);
        Assert.Contains("2^63 - 1", outcome.Rejection!.Detail, StringComparison.Ordinal);
        Assert.Equal(long.MaxValue - 1, TestCollector.Samples(await collector.ExposeAsync())["full_seconds_count"]);
    }

    private static void Record(PrometheusMetricCollector collector, double value) =>
        Assert.True(collector.Record(new MetricRecord("wait_seconds", MetricType.Summary) { Value = value }).IsAccepted);
}
