namespace MetricCollector.Client.Series;

/// <summary>
/// A metric's first definition in this client, as <see cref="MetricDefinitions"/> holds it: every later series of the
/// metric must fit it. Never changed once made, so the registry reads it without its lock.
/// </summary>
/// <param name="kind">The metric type.</param>
/// <param name="labelNames">The label names, ordered by name.</param>
internal sealed class MetricShape(SeriesKind kind, string[] labelNames)
{
    public SeriesKind Kind { get; } = kind;

    public string[] LabelNames { get; } = labelNames;

    /// <summary>The first definition's buckets (the registry's copy), or null for the collector's defaults.</summary>
    public IReadOnlyList<double>? Buckets { get; init; }

    /// <summary>The first definition's objectives (the registry's copy), or null for the collector's defaults.</summary>
    public IReadOnlyList<SummaryObjective>? Objectives { get; init; }
}
