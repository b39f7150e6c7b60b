using MetricCollector.Recording;

namespace MetricCollector.Collector;

/// <summary>
/// The names a metric occupies in the exposition. Two metrics clash when any of these overlap, in either format:
/// OpenMetrics names a counter's family without <c>_total</c>, and histograms and summaries own their suffixed series.
/// </summary>
internal static class ExpositionNames
{
    private const string TotalSuffix = "_total";

    /// <summary>Prefixes kept for the collector's own metrics and the gateway's auto-instrumentation.</summary>
    public static readonly string[] ReservedPrefixes = ["metric_collector_", "gateway_", "__"];

    /// <summary>The exposed name: counters get the <c>_total</c> suffix when they lack it, as the official clients do.</summary>
    public static string Exposed(string name, MetricType type) =>
        type == MetricType.Counter && !name.EndsWith(TotalSuffix, StringComparison.Ordinal) ? name + TotalSuffix : name;

    /// <summary>The family name: a counter's exposed name without <c>_total</c>, otherwise the name itself.</summary>
    public static string Family(string exposedName, MetricType type) =>
        type == MetricType.Counter ? exposedName[..^TotalSuffix.Length] : exposedName;

    public static string[] Claimed(string exposedName, MetricType type)
    {
        string family = Family(exposedName, type);
        return type switch
        {
            MetricType.Counter => [family, exposedName, family + "_created"],
            MetricType.Gauge => [family],
            MetricType.Histogram => [family, family + "_bucket", family + "_count", family + "_sum", family + "_created"],
            _ => [family, family + "_count", family + "_sum", family + "_created"],
        };
    }

    public static string? ReservedPrefixOf(string name)
    {
        foreach (string prefix in ReservedPrefixes)
        {
            if (name.StartsWith(prefix, StringComparison.Ordinal))
            {
                return prefix;
            }
        }

        return null;
    }
}
