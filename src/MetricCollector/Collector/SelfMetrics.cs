using MetricCollector.Exposition;
using MetricCollector.Recording;
using Prometheus;

namespace MetricCollector.Collector;

/// <summary>
/// The collector's own metrics, under <c>metric_collector_</c>: records accepted and rejected by reason, and the size of
/// what was pushed. Every series is created up front, so rates and alerts see zeros rather than missing series.
/// </summary>
internal sealed class SelfMetrics
{
    private readonly Counter.Child _accepted;
    private readonly Counter.Child[] _rejected;
    private readonly Counter.Child _textScrapes;
    private readonly Counter.Child _openMetricsScrapes;
    private readonly Counter.Child[] _removed;
    private readonly Counter _idempotentReplays;

    public SelfMetrics(IMetricFactory factory)
    {
        var records = factory.CreateCounter(
            "metric_collector_records_total",
            "Records received on POST /record, by result (accepted, rejected) and rejection reason.",
            ["result", "reason"]);
        _accepted = records.WithLabels("accepted", "");

        var reasons = Enum.GetValues<RejectionReason>();
        _rejected = new Counter.Child[reasons.Length];
        foreach (var reason in reasons)
        {
            _rejected[(int)reason] = records.WithLabels("rejected", ReasonLabels.Of(reason));
        }

        var scrapes = factory.CreateCounter(
            "metric_collector_scrapes_total",
            "Expositions written, by format (text, openmetrics): shows what the scrapers negotiate.",
            ["format"]);
        _textScrapes = scrapes.WithLabels("text");
        _openMetricsScrapes = scrapes.WithLabels("openmetrics");

        var removed = factory.CreateCounter(
            "metric_collector_series_removed_total",
            "Pushed series removed, by cause (expired, deleted, wiped).",
            ["cause"]);
        _removed = [removed.WithLabels("expired"), removed.WithLabels("deleted"), removed.WithLabels("wiped")];

        _idempotentReplays = factory.CreateCounter(
            "metric_collector_idempotent_replays_total",
            "POST /record bodies answered from the Idempotency-Key cache instead of being applied again.",
            []);

        Series = factory.CreateGauge("metric_collector_series", "Series currently held for pushed metrics.", []);
        SeriesLimit = factory.CreateGauge("metric_collector_series_limit", "Most series pushed metrics may hold (MetricCollector:MaxSeries).", []);
        Families = factory.CreateGauge("metric_collector_metrics", "Pushed metric names currently defined.", []);
    }

    public Gauge Series { get; }

    public Gauge SeriesLimit { get; }

    public Gauge Families { get; }

    public void CountAccepted(int count) => _accepted.Inc(count);

    public void CountRejected(RejectionReason reason) => _rejected[(int)reason].Inc();

    public void CountRemoved(SeriesRemoval cause, int count) => _removed[(int)cause].Inc(count);

    /// <summary>Series removed since start, whatever the cause.</summary>
    public double RemovedSeries => _removed[0].Value + _removed[1].Value + _removed[2].Value;

    public void CountIdempotentReplay() => _idempotentReplays.Inc();

    public void CountScrape(MetricsFormat format) => (format == MetricsFormat.OpenMetrics ? _openMetricsScrapes : _textScrapes).Inc();
}
