using MetricCollector.Recording;

namespace MetricCollector.Collector;

/// <summary>
/// A pushed summary series: its count and sum since it was created (restored from a snapshot across restarts, so that
/// <c>rate()</c> over them sees no reset) and its quantiles over a sliding window (<see cref="QuantileWindow"/>),
/// beside the state of <see cref="PushedSeries"/>. A record's observations and a scrape's copy both hold the window's
/// lock, so every copy is one set of observations: count, sum and quantiles agree. prometheus-net's summary kept these
/// until the collector kept them itself; its count and sum could not be restored, and its child held 70 KB from the
/// first observation (measured, bench/README.md) where this holds about 1 KB and grows with the observations.
/// </summary>
internal sealed class SummarySeries : PushedSeries
{
    // Also the lock object (private, so no one else takes it).
    private readonly QuantileWindow _window;
    private long _count;
    private double _sum;

    /// <param name="targets">The metric's objectives.</param>
    /// <param name="streamTicks">A fifth of the quantile window, in timestamp ticks.</param>
    /// <param name="now">The current timestamp: the quantile window starts here.</param>
    public SummarySeries(QuantileTargets targets, long streamTicks, long now) => _window = new QuantileWindow(targets, streamTicks, now);

    /// <summary>
    /// Observes the record's value or values, all under one hold of the lock; false, observing none, when the sum
    /// would not stay finite or the count would pass 2^63 - 1.
    /// </summary>
    /// <param name="record">A summary record (its numbers validated finite and >= 0).</param>
    /// <param name="now">The current timestamp, for the quantile window.</param>
    public bool TryObserve(MetricRecord record, long now)
    {
        lock (_window)
        {
            // The sum first, added in the order the values came, so that a refused record changes nothing; the count
            // can only come near its limit from a snapshot edited by hand.
            double sum = ObservedSum.After(_sum, record);
            int observations = record.Values?.Count ?? 1;
            if (!double.IsFinite(sum) || _count > long.MaxValue - observations)
            {
                return false;
            }

            // The window moves once for the record, not once an observation: they all land at the same moment.
            _window.Advance(now);
            if (record.Values is { } values)
            {
                for (int i = 0; i < values.Count; i++)
                {
                    _window.Insert(values[i]);
                }
            }
            else
            {
                _window.Insert(record.Value!.Value);
            }

            _count += observations;
            _sum = sum;
            return true;
        }
    }

    /// <summary>
    /// Adds a count and a sum, as a snapshot recorded them; the quantile window starts empty. The caller has checked
    /// them (a count >= 0, a finite sum >= 0: SnapshotRestore), before the series existed.
    /// </summary>
    public void Add(long count, double sum)
    {
        lock (_window)
        {
            _count += count;
            _sum += sum;
        }
    }

    /// <summary>The count and the sum, from the same moment.</summary>
    public (long Count, double Sum) Totals()
    {
        lock (_window)
        {
            return (_count, _sum);
        }
    }

    /// <summary>
    /// Copies the window's value at each of <paramref name="quantiles"/> at <paramref name="now"/> into
    /// <paramref name="values"/>, and returns the count and the sum, all from the same moment.
    /// </summary>
    public (long Count, double Sum) CopyTo(ReadOnlySpan<double> quantiles, Span<double> values, long now)
    {
        lock (_window)
        {
            _window.Advance(now);
            for (int i = 0; i < quantiles.Length; i++)
            {
                values[i] = _window.Query(quantiles[i]);
            }

            return (_count, _sum);
        }
    }
}
