using MetricCollector.Recording;

namespace MetricCollector.Collector;

/// <summary>The quantiles a summary exposes when its first record names none: the median, p90 and p99.</summary>
internal static class DefaultObjectives
{
    public static readonly IReadOnlyList<QuantileObjective> Value =
    [
        new QuantileObjective(0.5, 0.05),
        new QuantileObjective(0.9, 0.01),
        new QuantileObjective(0.99, 0.001),
    ];
}
