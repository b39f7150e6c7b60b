using System.Collections.Concurrent;
using MetricCollector.Recording;

namespace MetricCollector.Collector;

/// <summary>One pushed metric: its definition and its series by label values, so a record costs one dictionary lookup.</summary>
/// <typeparam name="TSeries">The series type that records are applied to.</typeparam>
internal sealed class PushedMetric<TSeries> : IPushedMetric
    where TSeries : PushedSeries
{
    private readonly ConcurrentDictionary<LabelValues, TSeries> _series = new();
    private readonly Lock _createLock = new();
    private readonly SeriesBudget _budget;
    private readonly int _maxSeries;
    private readonly Func<string[], TSeries> _createSeries;
    private readonly Func<TSeries, MetricRecord, long, bool> _apply;

    // Both changed under _createLock: a metric may be withdrawn when its defining record was refused and it never had a
    // series, or when its last series expired; read without the lock by records that found it (IsWithdrawn).
    private bool _hadSeries;
    private volatile bool _withdrawn;

    /// <param name="definition">The metric's definition.</param>
    /// <param name="budget">The series budget shared by all metrics.</param>
    /// <param name="maxSeries">The most series this metric may hold.</param>
    /// <param name="createSeries">Creates a series for label values.</param>
    /// <param name="apply">Applies a record to a series at a timestamp; false, changing nothing, when it would make a value infinite.</param>
    /// <param name="keepRoster">Keep the series in creation order too (<see cref="Roster"/>), for a metric the collector writes itself.</param>
    public PushedMetric(MetricDefinition definition, SeriesBudget budget, int maxSeries, Func<string[], TSeries> createSeries, Func<TSeries, MetricRecord, long, bool> apply, bool keepRoster = false)
    {
        Roster = keepRoster ? new SeriesRoster<TSeries>() : null;
        Definition = definition;
        _budget = budget;
        _maxSeries = maxSeries;
        _createSeries = createSeries;
        _apply = apply;
    }

    public MetricDefinition Definition { get; }

    public int SeriesCount => _series.Count;

    /// <summary>The series in creation order, when the metric keeps them so (see the constructor); null otherwise.</summary>
    public SeriesRoster<TSeries>? Roster { get; }

    public SeriesApplyResult TryApply(MetricRecord record, string[] labelValues, long now, long? timeToLive)
    {
        var key = new LabelValues(labelValues);
        var spin = default(SpinWait);
        while (true)
        {
            if (!_series.TryGetValue(key, out var series))
            {
                var created = TryCreate(key, out series);
                if (created != SeriesApplyResult.Applied)
                {
                    return created;
                }
            }

            if (series!.TryEnter())
            {
                if (!_apply(series, record, now))
                {
                    // Never a series this record made: its first record starts from zero, and the validator refuses
                    // values whose own sum is infinite. So the series was published by an earlier record.
                    series.ExitUnchanged();
                    return SeriesApplyResult.ValueOverflow;
                }

                series.Exit(now, timeToLive);
                return SeriesApplyResult.Applied;
            }

            // The series is being removed (expired or deleted): once that is done, the record creates it afresh.
            spin.SpinOnce();
        }
    }

    public bool TryWithdraw()
    {
        lock (_createLock)
        {
            if (_hadSeries)
            {
                return false;
            }

            _withdrawn = true;
            return true;
        }
    }

    public bool TryWithdrawEmpty()
    {
        lock (_createLock)
        {
            if (!_series.IsEmpty)
            {
                return false;
            }

            _withdrawn = true;
            return true;
        }
    }

    public bool IsWithdrawn => _withdrawn;

    public int RemoveExpired(long now, long defaultTimeToLive)
    {
        int removed = 0;
        foreach (var (key, series) in _series)
        {
            if (!series.IsExpired(now, defaultTimeToLive))
            {
                continue;
            }

            lock (_createLock)
            {
                // Another remover may have taken this series out since it was listed, and a writer put a new one in
                // its place: only the listed series itself may go.
                if (IsCurrent(key, series) && series.TryMarkRemoved(s => s.IsExpired(now, defaultTimeToLive)))
                {
                    Remove(key, series);
                    removed++;
                }
            }
        }

        return removed;
    }

    public int RemoveMatching(IReadOnlyDictionary<string, string> matchers)
    {
        var names = Definition.LabelNames;
        int removed = 0;
        foreach (var (key, series) in _series)
        {
            if (!Matches(names, key.Values, matchers))
            {
                continue;
            }

            lock (_createLock)
            {
                if (IsCurrent(key, series))
                {
                    series.MarkRemoved();
                    Remove(key, series);
                    removed++;
                }
            }
        }

        return removed;
    }

    public void ForEachSeries(Action<string[], PushedSeries> visit)
    {
        // In the roster's order when there is one: the order the exposition writes, which a restore then rebuilds.
        if (Roster is { } roster)
        {
            var block = roster.Current;
            int count = Volatile.Read(ref block.Count);
            for (int i = 0; i < count; i++)
            {
                var entry = block.Entries[i];
                if (!entry.Series.IsRetired)
                {
                    visit(entry.LabelValues, entry.Series);
                }
            }

            return;
        }

        foreach (var (key, series) in _series)
        {
            visit(key.Values, series);
        }
    }

    public bool Restore(string[] labelValues, Action<PushedSeries> setState, long lastUpdate, long timeToLive)
    {
        if (TryCreate(new LabelValues(labelValues), out var series) != SeriesApplyResult.Applied || !series!.TryEnter())
        {
            return false;
        }

        setState(series);
        series.Exit(lastUpdate, timeToLive);
        return true;
    }

    private static bool Matches(IReadOnlyList<string> names, string[] values, IReadOnlyDictionary<string, string> matchers)
    {
        foreach (var (name, value) in matchers)
        {
            int index = IndexOf(names, name);
            if (index < 0 || !string.Equals(values[index], value, StringComparison.Ordinal))
            {
                return false;
            }
        }

        return true;
    }

    private static int IndexOf(IReadOnlyList<string> names, string name)
    {
        for (int i = 0; i < names.Count; i++)
        {
            if (string.Equals(names[i], name, StringComparison.Ordinal))
            {
                return i;
            }
        }

        return -1;
    }

    private bool IsCurrent(LabelValues key, TSeries series) =>
        _series.TryGetValue(key, out var current) && ReferenceEquals(current, series);

    private void Remove(LabelValues key, TSeries series)
    {
        series.Retire();
        _series.TryRemove(new KeyValuePair<LabelValues, TSeries>(key, series));
        Roster?.Retired();
        _budget.Return();
    }

    // Creation is rare; the lock makes "take from the budget, then add" atomic, so racing writers count a series once.
    private SeriesApplyResult TryCreate(LabelValues key, out TSeries? series)
    {
        lock (_createLock)
        {
            if (_series.TryGetValue(key, out series))
            {
                return SeriesApplyResult.Applied;
            }

            if (_withdrawn)
            {
                return SeriesApplyResult.Withdrawn;
            }

            if (_series.Count >= _maxSeries)
            {
                return SeriesApplyResult.MetricSeriesLimit;
            }

            if (!_budget.TryTake())
            {
                return SeriesApplyResult.SeriesLimit;
            }

            // The caller's label values may be a reused buffer: the series keeps its own copy.
            string[] values = [.. key.Values];
            series = _createSeries(values);
            _hadSeries = true;
            _series[new LabelValues(values)] = series;
            Roster?.Add(values, series);
            return SeriesApplyResult.Applied;
        }
    }
}
