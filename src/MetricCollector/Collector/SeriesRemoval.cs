namespace MetricCollector.Collector;

/// <summary>Why pushed series were removed; the <c>cause</c> label of <c>metric_collector_series_removed_total</c>.</summary>
internal enum SeriesRemoval
{
    /// <summary>Not updated within its time to live.</summary>
    Expired,

    /// <summary>Deleted by a <c>DELETE</c> of its metric or labels.</summary>
    Deleted,

    /// <summary>Removed by an admin wipe of all pushed series.</summary>
    Wiped,
}
