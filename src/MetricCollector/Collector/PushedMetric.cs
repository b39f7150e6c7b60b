using System.Collections.Concurrent;
using MetricCollector.Recording;

namespace MetricCollector.Collector;

/// <summary>One pushed metric: its definition and a cache of its series, so a record costs one dictionary lookup.</summary>
/// <typeparam name="TChild">The prometheus-net series type that records are applied to.</typeparam>
internal sealed class PushedMetric<TChild> : IPushedMetric
    where TChild : class
{
    private readonly ConcurrentDictionary<LabelValues, TChild> _series = new();
    private readonly Func<string[], TChild> _createSeries;
    private readonly Action<TChild, MetricRecord> _apply;

    public PushedMetric(MetricDefinition definition, Func<string[], TChild> createSeries, Action<TChild, MetricRecord> apply)
    {
        Definition = definition;
        _createSeries = createSeries;
        _apply = apply;
    }

    public MetricDefinition Definition { get; }

    public int SeriesCount => _series.Count;

    public void Apply(MetricRecord record, string[] labelValues)
    {
        var key = new LabelValues(labelValues);
        if (!_series.TryGetValue(key, out var series))
        {
            series = _series.GetOrAdd(key, static (k, self) => self._createSeries(k.Values), this);
        }

        _apply(series, record);
    }
}
