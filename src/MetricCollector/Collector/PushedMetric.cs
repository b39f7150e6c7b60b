using System.Collections.Concurrent;
using MetricCollector.Recording;

namespace MetricCollector.Collector;

/// <summary>One pushed metric: its definition and a cache of its series, so a record costs one dictionary lookup.</summary>
/// <typeparam name="TChild">The prometheus-net series type that records are applied to.</typeparam>
internal sealed class PushedMetric<TChild> : IPushedMetric
    where TChild : class
{
    private readonly ConcurrentDictionary<LabelValues, TChild> _series = new();
    private readonly Lock _createLock = new();
    private readonly SeriesBudget _budget;
    private readonly Func<string[], TChild> _createSeries;
    private readonly Action<TChild, MetricRecord> _apply;

    public PushedMetric(MetricDefinition definition, SeriesBudget budget, Func<string[], TChild> createSeries, Action<TChild, MetricRecord> apply)
    {
        Definition = definition;
        _budget = budget;
        _createSeries = createSeries;
        _apply = apply;
    }

    public MetricDefinition Definition { get; }

    public int SeriesCount => _series.Count;

    public bool TryApply(MetricRecord record, string[] labelValues)
    {
        var key = new LabelValues(labelValues);
        if (!_series.TryGetValue(key, out var series) && !TryCreate(key, out series))
        {
            return false;
        }

        _apply(series, record);
        return true;
    }

    // Creation is rare; the lock makes "take from the budget, then add" atomic, so racing writers count a series once.
    private bool TryCreate(LabelValues key, out TChild series)
    {
        lock (_createLock)
        {
            if (_series.TryGetValue(key, out series!))
            {
                return true;
            }

            if (!_budget.TryTake())
            {
                return false;
            }

            series = _createSeries(key.Values);
            _series[key] = series;
            return true;
        }
    }
}
