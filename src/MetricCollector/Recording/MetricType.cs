namespace MetricCollector.Recording;

/// <summary>The Prometheus metric types a record may carry.</summary>
public enum MetricType
{
    /// <summary>A monotonically increasing count.</summary>
    Counter,

    /// <summary>A value that can go up and down.</summary>
    Gauge,

    /// <summary>Observations counted into buckets.</summary>
    Histogram,

    /// <summary>Observations summarised as quantiles over a sliding window.</summary>
    Summary,
}
