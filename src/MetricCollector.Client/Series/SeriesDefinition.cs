namespace MetricCollector.Client.Series;

/// <summary>
/// What a record says about its series besides the values: name, type, labels and the fixed settings. The registry
/// makes one per series, so a definition is its series' identity: equality is by reference (the registry's table, which
/// must find a series from the caller's labels, compares them by value with <see cref="SeriesIdentityComparer"/>).
/// </summary>
/// <param name="name">The metric name.</param>
/// <param name="kind">The metric type.</param>
/// <param name="labels">Label names and values, ordered by name.</param>
/// <param name="help">The help text, or null for the collector's default.</param>
/// <param name="buckets">Histogram upper bounds, or null.</param>
/// <param name="objectives">Summary quantiles, or null.</param>
internal sealed class SeriesDefinition(
    string name,
    SeriesKind kind,
    IReadOnlyList<KeyValuePair<string, string>> labels,
    string? help,
    IReadOnlyList<double>? buckets,
    IReadOnlyList<SummaryObjective>? objectives)
{
    public string Name { get; } = name;

    public SeriesKind Kind { get; } = kind;

    public IReadOnlyList<KeyValuePair<string, string>> Labels { get; } = labels;

    public string? Help { get; } = help;

    public IReadOnlyList<double>? Buckets { get; } = buckets;

    public IReadOnlyList<SummaryObjective>? Objectives { get; } = objectives;

    /// <summary>
    /// Whether the collector refused this definition (its name, labels or type), so that every later record of the
    /// series would be refused alike: its values are then counted as rejected instead of being sent. Read and written
    /// by the sender only, under its flush lock.
    /// </summary>
    public bool Withheld { get; private set; }

    public void Withhold() => Withheld = true;

    /// <summary>
    /// Whether the collector refused the series' last record for something other than its definition (a series limit):
    /// it is then not sent again by a refresh, only with its next value, which may find room. Every refresh re-sent every
    /// such series, each refused again (a review: 190,000 series past a limit re-sent each <c>RefreshInterval</c>).
    /// Read and written by the sender only, under its flush lock.
    /// </summary>
    public bool RefreshPaused { get; set; }

    /// <summary>"name{a="1",b="2"}": how the series is named in log lines.</summary>
    public override string ToString() =>
        Labels.Count == 0 ? Name : $"{Name}{{{string.Join(',', Labels.Select(l => $"{l.Key}=\"{l.Value}\""))}}}";
}
