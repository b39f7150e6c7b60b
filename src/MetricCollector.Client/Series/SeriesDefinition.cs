namespace MetricCollector.Client.Series;

/// <summary>What a record says about its series besides the values: name, type, labels and the fixed settings.</summary>
/// <param name="Name">The metric name.</param>
/// <param name="Kind">The metric type.</param>
/// <param name="Labels">Label names and values, ordered by name.</param>
/// <param name="Help">The help text, or null for the collector's default.</param>
/// <param name="Buckets">Histogram upper bounds, or null.</param>
/// <param name="Objectives">Summary quantiles, or null.</param>
internal sealed record SeriesDefinition(
    string Name,
    SeriesKind Kind,
    IReadOnlyList<KeyValuePair<string, string>> Labels,
    string? Help,
    IReadOnlyList<double>? Buckets,
    IReadOnlyList<SummaryObjective>? Objectives)
{
    /// <summary>"name{a="1",b="2"}": how the series is named in log lines.</summary>
    public override string ToString() =>
        Labels.Count == 0 ? Name : $"{Name}{{{string.Join(',', Labels.Select(l => $"{l.Key}=\"{l.Value}\""))}}}";
}
