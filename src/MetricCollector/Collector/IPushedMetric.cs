using MetricCollector.Recording;

namespace MetricCollector.Collector;

/// <summary>A pushed metric, whatever its type.</summary>
internal interface IPushedMetric
{
    MetricDefinition Definition { get; }

    int SeriesCount { get; }

    /// <summary>
    /// Applies a record whose label values are already ordered by the definition's label names; false, and nothing
    /// applied, when it would create a series beyond the collector's series limit.
    /// </summary>
    bool TryApply(MetricRecord record, string[] labelValues);
}
