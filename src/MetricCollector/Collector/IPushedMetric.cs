using MetricCollector.Recording;

namespace MetricCollector.Collector;

/// <summary>A pushed metric, whatever its type.</summary>
internal interface IPushedMetric
{
    MetricDefinition Definition { get; }

    int SeriesCount { get; }

    /// <summary>
    /// Applies a record whose label values are already ordered by the definition's label names, at timestamp
    /// <paramref name="now"/>; nothing is applied when it would create a series beyond a limit.
    /// </summary>
    /// <param name="record">The record.</param>
    /// <param name="labelValues">Its label values in the definition's order; may be a reused buffer, copied when a series is created.</param>
    /// <param name="now">The current <see cref="TimeProvider.GetTimestamp"/>.</param>
    /// <param name="timeToLive">The record's time to live for the series in timestamp ticks, or null to keep the series' own.</param>
    SeriesApplyResult TryApply(MetricRecord record, string[] labelValues, long now, long? timeToLive);

    /// <summary>
    /// Withdraws the metric if no series was ever created in it: from then on every record is turned away with
    /// <see cref="SeriesApplyResult.Withdrawn"/>. False, changing nothing, once a series was created.
    /// </summary>
    bool TryWithdraw();

    /// <summary>
    /// Withdraws the metric if it holds no series now (its last one expired), as <see cref="TryWithdraw"/> does; false,
    /// changing nothing, when a series is there (a record created one meanwhile).
    /// </summary>
    bool TryWithdrawEmpty();

    /// <summary>Whether the metric was withdrawn: a record that found it looks its name up again.</summary>
    bool IsWithdrawn { get; }

    /// <summary>
    /// Removes the series whose time to live (their own, else <paramref name="defaultTimeToLive"/>, 0 for none) has
    /// passed at <paramref name="now"/>; returns how many.
    /// </summary>
    int RemoveExpired(long now, long defaultTimeToLive);

    /// <summary>Removes the series whose labels have the given values (all series for no matchers); returns how many.</summary>
    int RemoveMatching(IReadOnlyDictionary<string, string> matchers);

    /// <summary>
    /// Calls <paramref name="visit"/> with each live series' label values and the series (a <see cref="ValueSeries"/>
    /// for counters and gauges, a <see cref="HistogramSeries"/> for histograms, a <see cref="SummarySeries"/> for
    /// summaries); in creation order, as the exposition writes them, when the metric keeps its series so.
    /// </summary>
    void ForEachSeries(Action<string[], PushedSeries> visit);

    /// <summary>
    /// Creates a series from a snapshot and sets its state, as last updated at <paramref name="lastUpdate"/> (a
    /// timestamp, so that a series with a time to live keeps only the time it had left); false when a limit refuses the series.
    /// </summary>
    bool Restore(string[] labelValues, Action<PushedSeries> setState, long lastUpdate, long timeToLive);
}
