namespace MetricCollector.Client.Series;

/// <summary>The four Prometheus metric types, as the collector's <c>metric_type</c> names them.</summary>
internal enum SeriesKind
{
    Counter,
    Gauge,
    Histogram,
    Summary,
}
