namespace MetricCollector.Collector;

/// <summary>What became of a record applied to a pushed metric.</summary>
internal enum SeriesApplyResult
{
    /// <summary>The record was applied.</summary>
    Applied,

    /// <summary>It would have created a series beyond the collector's total series limit; nothing was applied.</summary>
    SeriesLimit,

    /// <summary>It would have created a series beyond the metric's own series limit; nothing was applied.</summary>
    MetricSeriesLimit,
}
