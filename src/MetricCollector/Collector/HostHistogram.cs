using System.Collections.Concurrent;
using MetricCollector.Exposition;
using MetricCollector.Recording;

namespace MetricCollector.Collector;

/// <summary>
/// A histogram of the host's own (the gateway's request and upstream durations), kept in the collector's store rather
/// than prometheus-net's and written after the registry's families by the same writer as pushed histograms. The
/// reason is consistency: prometheus-net reads a child's <c>_count</c> apart from its buckets, without a lock, so a
/// scrape under load could show <c>_count</c> behind or ahead of the <c>+Inf</c> bucket (seen in 2 of 40 scrapes
/// during a 32-connection proxy load), which strict OpenMetrics parsers refuse. Here an observation and a scrape's copy
/// of a series hold the series' lock (<see cref="HistogramSeries"/>). Created by
/// <see cref="PrometheusMetricCollector.CreateHostHistogram"/>; its series are never removed or persisted.
/// Without labels, its one series is shown from creation, as prometheus-net shows it.
/// </summary>
internal sealed class HostHistogram
{
    private readonly ConcurrentDictionary<LabelValues, HostHistogramChild> _children = new();
    private readonly Lock _createLock = new();
    private readonly double[] _bounds;

    public HostHistogram(MetricDefinition definition)
    {
        Definition = definition;
        _bounds = HistogramSeries.UpperBounds(definition.Buckets!);
        Family = new HistogramFamily(definition, Roster);
        if (definition.LabelNames.Count == 0)
        {
            // As prometheus-net shows it: a histogram without labels has its one series, at zero, from creation.
            WithLabels();
        }
    }

    public MetricDefinition Definition { get; }

    /// <summary>The series in creation order, the order they are written in.</summary>
    public SeriesRoster<HistogramSeries> Roster { get; } = new();

    /// <summary>What writes the histogram into the exposition.</summary>
    public HistogramFamily Family { get; }

    /// <summary>
    /// The series of these label values (in the order of the definition's label names), created on first use and shown
    /// at zero until observed, as prometheus-net does. Callers cache the child: this looks it up in a dictionary.
    /// An empty value is taken and written as <c>label=""</c>, as prometheus-net does; a null one is refused.
    /// </summary>
    /// <exception cref="ArgumentNullException">A value is null: it would fail every later scrape.</exception>
    /// <exception cref="ArgumentException">The number of values is not the number of label names.</exception>
    public HostHistogramChild WithLabels(params string[] labelValues)
    {
        ArgumentNullException.ThrowIfNull(labelValues);
        if (labelValues.Length != Definition.LabelNames.Count)
        {
            throw new ArgumentException($"{Definition.Name} has {Definition.LabelNames.Count} labels, not {labelValues.Length}.", nameof(labelValues));
        }

        var key = new LabelValues(labelValues);
        if (_children.TryGetValue(key, out var child))
        {
            return child;
        }

        lock (_createLock)
        {
            if (_children.TryGetValue(key, out child))
            {
                return child;
            }

            // Only a new series is checked: a null value is never a key, so every lookup of one ends up here.
            for (int i = 0; i < labelValues.Length; i++)
            {
                if (labelValues[i] is null)
                {
                    throw new ArgumentNullException(nameof(labelValues), $"{Definition.Name}: the value of label '{Definition.LabelNames[i]}' is null.");
                }
            }

            string[] values = [.. labelValues];
            var series = new HistogramSeries(_bounds.Length);
            // Published at once: the series is shown from its creation, never removed, and never expires.
            series.TryEnter();
            series.Exit(0, null);
            child = new HostHistogramChild(_bounds, series);
            _children[new LabelValues(values)] = child;
            Roster.Add(values, series);
            return child;
        }
    }

    /// <summary>
    /// A definition for a host histogram: label names in the order given, not sorted as pushed ones are. Judged by the
    /// rules of pushed histograms (<see cref="RecordValidator"/>): the same writer writes both, and a bad name or bound
    /// would spoil every scrape.
    /// </summary>
    /// <exception cref="ArgumentException">
    /// The name is not a metric name; a label name is not one, is reserved (<c>__</c>, <c>le</c>) or repeated; or the
    /// buckets are empty, not finite or not strictly increasing. The message names the culprit.
    /// </exception>
    public static MetricDefinition Define(string name, string help, string[] labelNames, double[] buckets)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(help);
        ArgumentNullException.ThrowIfNull(labelNames);
        ArgumentNullException.ThrowIfNull(buckets);
        if (!MetricNames.IsValid(name, RecordLimits.MaxNameLength))
        {
            throw new ArgumentException($"'{name}' must match ^[a-zA-Z_][a-zA-Z0-9_]*$ and have at most {RecordLimits.MaxNameLength} characters.", nameof(name));
        }

        for (int i = 0; i < labelNames.Length; i++)
        {
            string label = labelNames[i] ?? throw new ArgumentNullException(nameof(labelNames), $"{name}: label name {i} is null.");
            if (RecordValidator.LabelNameProblem(MetricType.Histogram, label) is { } problem)
            {
                throw new ArgumentException($"{name}: {problem}", nameof(labelNames));
            }

            if (Array.IndexOf(labelNames, label, 0, i) >= 0)
            {
                throw new ArgumentException($"{name}: label name '{label}' is given twice.", nameof(labelNames));
            }
        }

        if (buckets.Length == 0)
        {
            throw new ArgumentException($"{name}: a histogram needs at least one bucket bound (+Inf is always added).", nameof(buckets));
        }

        if (RecordValidator.BucketsProblem(buckets, out int bound) is { } bucketProblem)
        {
            throw new ArgumentException($"{name}: buckets[{bound}]: {bucketProblem}", nameof(buckets));
        }

        return new(name, MetricType.Histogram, [.. labelNames], [.. buckets], null, help);
    }
}
