using System.Collections.Concurrent;

namespace MetricCollector.Client.Series;

/// <summary>
/// Every series the component has asked for, one handle per (type, name, label values): asking twice gives the same
/// handle, so increments from everywhere meet in one accumulator. The sender reads the lists of counters and gauges
/// without a lock (<see cref="SeriesList{T}"/>).
/// </summary>
internal sealed class SeriesRegistry(ClientCounters counters, ObservationBuffer buffer)
{
    // Written under _gate only and read without it. Looked up by what the caller passed (SeriesQuery), so that asking
    // for a series again takes no lock, sorts nothing and allocates nothing; keyed by each series' definition.
    private readonly ConcurrentDictionary<SeriesDefinition, RegisteredSeries>.AlternateLookup<SeriesQuery> _series =
        new ConcurrentDictionary<SeriesDefinition, RegisteredSeries>(SeriesIdentityComparer.Instance).GetAlternateLookup<SeriesQuery>();

    private readonly ClientCounters _clientCounters = counters;
    private readonly ObservationBuffer _buffer = buffer;
    private readonly Lock _gate = new();
    private readonly MetricDefinitions _metrics = new();
    private readonly SeriesList<CounterSeries> _counters = new();
    private readonly SeriesList<GaugeSeries> _gauges = new();

    public ReadOnlySpan<CounterSeries> Counters => _counters.Items;

    public ReadOnlySpan<GaugeSeries> Gauges => _gauges.Items;

    public CounterSeries Counter(string name, IReadOnlyDictionary<string, string>? labels, string? help) =>
        GetOrAdd(SeriesKind.Counter, name, labels, help, null, null, static (registry, definition) =>
        {
            var series = new CounterSeries(definition, registry._clientCounters);
            registry._counters.Add(series);
            return series;
        });

    public GaugeSeries Gauge(string name, IReadOnlyDictionary<string, string>? labels, string? help) =>
        GetOrAdd(SeriesKind.Gauge, name, labels, help, null, null, static (registry, definition) =>
        {
            var series = new GaugeSeries(definition, registry._clientCounters);
            registry._gauges.Add(series);
            return series;
        });

    public HistogramSeries Histogram(string name, IReadOnlyList<double>? buckets, IReadOnlyDictionary<string, string>? labels, string? help) =>
        GetOrAdd(SeriesKind.Histogram, name, labels, help, buckets, null, static (registry, definition) => new HistogramSeries(definition, registry._buffer));

    public SummarySeries Summary(string name, IReadOnlyList<SummaryObjective>? objectives, IReadOnlyDictionary<string, string>? labels, string? help) =>
        GetOrAdd(SeriesKind.Summary, name, labels, help, null, objectives, static (registry, definition) => new SummarySeries(definition, registry._buffer));

    /// <summary>
    /// Forgets the series of <paramref name="handle"/>: asking for it again makes a new one, the old handle records
    /// nothing more, and the sender sends what it holds one last time and no refresh after
    /// (<see cref="SeriesDefinition.Removed"/>).
    /// </summary>
    /// <returns>False when the handle is not one of this registry's series, or was removed before.</returns>
    public bool Remove(SeriesDefinition definition, object handle)
    {
        lock (_gate)
        {
            // By reference: a handle of another client's series of the same identity is not this one.
            if (!_series.Dictionary.TryGetValue(definition, out var registered) || !ReferenceEquals(registered.Handle, handle))
            {
                return false;
            }

            definition.Remove();
            _series.Dictionary.TryRemove(definition, out _);
            return true;
        }
    }

    /// <summary>Drops from the lists the counters and gauges whose last values the sender took after their removal.</summary>
    public void DropRetired()
    {
        lock (_gate)
        {
            _counters.RemoveAll(static series => series.Definition.Retired);
            _gauges.RemoveAll(static series => series.Definition.Retired);
        }
    }

    /// <summary>
    /// The existing handle, found without the lock when the buckets or objectives given (if any) are its metric's; or
    /// one made by <paramref name="create"/> (under the lock, so the lists are appended one at a time) from a definition
    /// built once and checked against <see cref="SeriesRules"/> and its metric's first definition
    /// (<see cref="MetricDefinitions"/>), only when the series is new. <paramref name="create"/> is static, so that a
    /// lookup allocates no closure.
    /// </summary>
    /// <exception cref="ArgumentException">The definition breaks one of the collector's rules.</exception>
    private T GetOrAdd<T>(
        SeriesKind kind,
        string name,
        IReadOnlyDictionary<string, string>? labels,
        string? help,
        IReadOnlyList<double>? buckets,
        IReadOnlyList<SummaryObjective>? objectives,
        Func<SeriesRegistry, SeriesDefinition, T> create)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(name);
        var query = new SeriesQuery(kind, name, labels);
        // A series asked for again. A label without a value matches none (no series has one): it throws below.
        if (_series.TryGetValue(query, out var found) && found.Accepts(buckets, objectives))
        {
            return (T)found.Handle;
        }

        var sorted = Sorted(labels);
        SeriesRules.RequireValues(sorted);
        lock (_gate)
        {
            if (_series.TryGetValue(query, out found))
            {
                // Made meanwhile by another thread, or given other buckets or objectives than its metric's: the
                // metric's check throws for those, with the message it gives a new series.
                _metrics.Check(kind, name, sorted, buckets, objectives);
                return (T)found.Handle;
            }

            SeriesRules.Validate(kind, name, sorted, help, buckets, objectives);
            // Copies, so that the caller changing its array changes neither what the series sends nor what later
            // lookups are compared with.
            double[]? ownBuckets = buckets is null ? null : [.. buckets];
            SummaryObjective[]? ownObjectives = objectives is null ? null : [.. objectives];
            var metric = _metrics.Check(kind, name, sorted, ownBuckets, ownObjectives);
            var definition = new SeriesDefinition(name, kind, sorted, help, ownBuckets, ownObjectives);
            var created = create(this, definition);
            _series.Dictionary[definition] = new RegisteredSeries(created, metric);
            return created;
        }
    }

    /// <summary>The labels ordered by name: how a definition holds them, and the order the collector's checks assume.</summary>
    private static KeyValuePair<string, string>[] Sorted(IReadOnlyDictionary<string, string>? labels)
    {
        if (labels is null)
        {
            return [];
        }

        KeyValuePair<string, string>[] sorted = [.. labels];
        Array.Sort(sorted, static (x, y) => string.CompareOrdinal(x.Key, y.Key));
        return sorted;
    }
}
