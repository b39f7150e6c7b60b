using System.Collections.Concurrent;
using System.Globalization;
using System.Text;

namespace MetricCollector.Client.Series;

/// <summary>
/// Every series the component has asked for, one handle per (type, name, label values): asking twice gives the same
/// handle, so increments from everywhere meet in one accumulator. The sender reads the lists of counters and gauges
/// without a lock (<see cref="SeriesList{T}"/>).
/// </summary>
internal sealed class SeriesRegistry(ClientCounters counters, ObservationBuffer buffer)
{
    private readonly ConcurrentDictionary<string, object> _byIdentity = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private readonly MetricDefinitions _metrics = new();
    private readonly SeriesList<CounterSeries> _counters = new();
    private readonly SeriesList<GaugeSeries> _gauges = new();

    public ReadOnlySpan<CounterSeries> Counters => _counters.Items;

    public ReadOnlySpan<GaugeSeries> Gauges => _gauges.Items;

    public CounterSeries Counter(string name, IReadOnlyDictionary<string, string>? labels, string? help) =>
        GetOrAdd(SeriesKind.Counter, name, labels, help, null, null, definition =>
        {
            var series = new CounterSeries(definition, counters);
            _counters.Add(series);
            return series;
        });

    public GaugeSeries Gauge(string name, IReadOnlyDictionary<string, string>? labels, string? help) =>
        GetOrAdd(SeriesKind.Gauge, name, labels, help, null, null, definition =>
        {
            var series = new GaugeSeries(definition, counters);
            _gauges.Add(series);
            return series;
        });

    public HistogramSeries Histogram(string name, IReadOnlyList<double>? buckets, IReadOnlyDictionary<string, string>? labels, string? help) =>
        GetOrAdd(SeriesKind.Histogram, name, labels, help, buckets, null, definition => new HistogramSeries(definition, buffer));

    public SummarySeries Summary(string name, IReadOnlyList<SummaryObjective>? objectives, IReadOnlyDictionary<string, string>? labels, string? help) =>
        GetOrAdd(SeriesKind.Summary, name, labels, help, null, objectives, definition => new SummarySeries(definition, buffer));

    /// <summary>
    /// The existing handle, or one made by <paramref name="create"/> (under the lock, so the lists are appended one at a time) from
    /// a definition built once and checked against <see cref="SeriesRules"/> and its metric's first definition
    /// (<see cref="MetricDefinitions"/>), only when the series is new.
    /// </summary>
    /// <exception cref="ArgumentException">The definition breaks one of the collector's rules.</exception>
    private T GetOrAdd<T>(
        SeriesKind kind,
        string name,
        IReadOnlyDictionary<string, string>? labels,
        string? help,
        IReadOnlyList<double>? buckets,
        IReadOnlyList<SummaryObjective>? objectives,
        Func<SeriesDefinition, T> create)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(name);
        KeyValuePair<string, string>[] sorted = labels is null ? [] : [.. labels.OrderBy(l => l.Key, StringComparer.Ordinal)];
        SeriesRules.RequireValues(sorted);
        string identity = Identity(kind, name, sorted);
        // Buckets or objectives given again must be the metric's: that takes the lock.
        if (buckets is null && objectives is null && _byIdentity.TryGetValue(identity, out var existing))
        {
            return (T)existing;
        }

        lock (_gate)
        {
            if (_byIdentity.TryGetValue(identity, out existing))
            {
                _metrics.Check(kind, name, sorted, buckets, objectives);
                return (T)existing;
            }

            SeriesRules.Validate(kind, name, sorted, help, buckets, objectives);
            _metrics.Check(kind, name, sorted, buckets, objectives);
            var created = create(new SeriesDefinition(name, kind, sorted, help, buckets?.ToArray(), objectives?.ToArray()));
            _byIdentity[identity] = created;
            return created;
        }
    }

    /// <summary>Type, name and labels, each part length-prefixed so that no label value can make two series look alike.</summary>
    private static string Identity(SeriesKind kind, string name, KeyValuePair<string, string>[] labels)
    {
        var builder = new StringBuilder().Append((int)kind).Append('|');
        Append(builder, name);
        foreach (var (key, value) in labels)
        {
            Append(builder, key);
            Append(builder, value);
        }

        return builder.ToString();

        static void Append(StringBuilder builder, string part) =>
            builder.Append(part.Length.ToString(CultureInfo.InvariantCulture)).Append(':').Append(part);
    }
}
