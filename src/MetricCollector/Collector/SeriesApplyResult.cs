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

    /// <summary>
    /// The metric was withdrawn (a record that defined it was refused before any series was created in it); nothing
    /// was applied, and the record must look the metric up again.
    /// </summary>
    Withdrawn,

    /// <summary>Applying the record would have made a value (counter, gauge, sum) infinite; nothing was applied.</summary>
    ValueOverflow,
}
