namespace MetricCollector.Client.Series;

/// <summary>
/// A series asked for again, as the caller gave it: the labels in their dictionary's own order.
/// <see cref="SeriesIdentityComparer"/> matches it against the registered definitions as it is, so that a repeated
/// lookup sorts nothing and builds no key.
/// </summary>
/// <param name="Kind">The metric type.</param>
/// <param name="Name">The metric name.</param>
/// <param name="Labels">The caller's labels, in any order, or null for none.</param>
internal readonly record struct SeriesQuery(SeriesKind Kind, string Name, IReadOnlyDictionary<string, string>? Labels);
