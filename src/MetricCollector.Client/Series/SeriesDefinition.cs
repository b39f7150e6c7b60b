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

    private volatile bool _removed;

    /// <summary>
    /// Whether the component removed the series (<see cref="MetricCollectorClient.Remove(CounterSeries)"/>): what it
    /// recorded before is still sent, nothing after, and it is never refreshed. Set before the sender's last drain of the
    /// series, so that a value recorded on it either sees this and is counted as dropped, or is taken by that drain (or
    /// by the sweep after <see cref="Retired"/>).
    /// </summary>
    public bool Removed => _removed;

    public void Remove() => _removed = true;

    private int _retired;

    /// <summary>
    /// Whether the sender has taken the removed series' last values (it saw <see cref="Removed"/> before draining), so
    /// that the registry may drop it from its lists and a value recorded on it from now on is never sent: the recorder
    /// takes it back and counts it dropped. Set by the sender only, after that last drain and before a sweep that takes
    /// what a recorder added in between.
    /// </summary>
    public bool Retired => Volatile.Read(ref _retired) != 0;

    // Interlocked, a full fence: the sweep that follows reads what a recorder wrote only after this is visible to it
    // (a gauge's sweep reads its version with a plain volatile read, which a volatile write may pass).
    public void Retire() => Interlocked.Exchange(ref _retired, 1);

    /// <summary>The most refreshes a series refused for a limit sits out in a row: 15, so it is tried every 16th.</summary>
    internal const int MaxRefreshesSkipped = 15;

    // How many refreshes in a row the collector refused for a limit, and how many refreshes are left to sit out.
    private int _limitRefusals;
    private int _refreshesToSkip;

    /// <summary>
    /// The collector refused the series' last record for something other than its definition (a series limit). Every
    /// refresh re-sent every such series, each refused again (a review: 190,000 series past a limit re-sent each
    /// <c>RefreshInterval</c>); never refreshing it left a gauge set once absent after the limit was raised. So the
    /// refresh backs off: the series sits out 1, 3, 7, then 15 refreshes before it is tried again (at the default
    /// interval, after 2, 4, 8, then every 16 minutes). A new value is sent at once, as always.
    /// Read and written by the sender only, under its flush lock.
    /// </summary>
    public void PauseRefreshAfterLimit()
    {
        _limitRefusals = Math.Min(_limitRefusals + 1, 4);
        _refreshesToSkip = Math.Min((1 << _limitRefusals) - 1, MaxRefreshesSkipped);
    }

    /// <summary>The collector answered the series' last record without a limit's refusal: it is refreshed at every refresh again.</summary>
    public void ResumeRefresh()
    {
        _limitRefusals = 0;
        _refreshesToSkip = 0;
    }

    /// <summary>Whether this refresh sends the series; false while it sits out refreshes after a refusal for a limit.</summary>
    public bool TakeRefresh()
    {
        if (_refreshesToSkip == 0)
        {
            return true;
        }

        _refreshesToSkip--;
        return false;
    }

    /// <summary>"name{a="1",b="2"}": how the series is named in log lines.</summary>
    public override string ToString() =>
        Labels.Count == 0 ? Name : $"{Name}{{{string.Join(',', Labels.Select(l => $"{l.Key}=\"{l.Value}\""))}}}";
}
