using MetricCollector.Client.Series;

namespace MetricCollector.Client;

/// <summary>
/// One counter series (a name and label values). Increments add to an accumulator in place; the background sender
/// takes the sum and sends it as one record, so counting costs the caller an atomic add and nothing else.
/// </summary>
public sealed class CounterSeries
{
    private readonly ClientCounters _counters;
    private long _count;
    private double _amount;

    internal CounterSeries(SeriesDefinition definition, ClientCounters counters)
    {
        Definition = definition;
        _counters = counters;
    }

    internal SeriesDefinition Definition { get; }

    /// <summary>
    /// Adds one. Never blocks, never throws, allocates nothing. After the client stopped, or the series was removed, it
    /// counts as dropped.
    /// </summary>
    public void Inc()
    {
        if (_counters.Stopped || Definition.Removed)
        {
            CountRefused();
            return;
        }

        Interlocked.Increment(ref _count);
        if (_counters.Stopped || Definition.Retired)
        {
            Reclaim();
        }
    }

    /// <summary>Adds <paramref name="amount"/>; a negative or non-finite amount is not sent and counts as dropped.</summary>
    /// <param name="amount">The increment, at least 0.</param>
    public void Inc(double amount)
    {
        if (!(amount >= 0) || double.IsPositiveInfinity(amount))
        {
            _counters.CountDropped(double.IsFinite(amount) ? DropReason.NegativeIncrement : DropReason.NotFinite);
            return;
        }

        if (_counters.Stopped || Definition.Removed)
        {
            CountRefused();
            return;
        }

        double seen = Volatile.Read(ref _amount);
        while (true)
        {
            double actual = Interlocked.CompareExchange(ref _amount, seen + amount, seen);
            if (BitConverter.DoubleToInt64Bits(actual) == BitConverter.DoubleToInt64Bits(seen))
            {
                if (_counters.Stopped || Definition.Retired)
                {
                    Reclaim();
                }

                return;
            }

            seen = actual;
        }
    }

    /// <summary>
    /// An increment that passed the check just as the client stopped, or just as the sender retired the removed series,
    /// may have landed after the final drain: whatever is still here now would never be sent, so it is taken and counted
    /// as dropped (what the final drain took, it counted). Not at the removal itself: what was added before it still
    /// waits for the sender's last drain of the series (a review saw a racing increment take those and drop them).
    /// </summary>
    internal void Reclaim()
    {
        long count = Interlocked.Exchange(ref _count, 0);
        double amount = Interlocked.Exchange(ref _amount, 0d);
        long values = count + (amount > 0 ? 1 : 0);
        if (values > 0)
        {
            CountRefused(values);
        }
    }

    private void CountRefused(long values = 1)
    {
        if (_counters.Stopped)
        {
            _counters.CountRecordedAfterStop(values);
        }
        else
        {
            _counters.CountDropped(DropReason.Removed, values);
        }
    }

    /// <summary>Takes what was added since the last call: the increment the next record carries.</summary>
    internal double Drain() => Interlocked.Exchange(ref _count, 0) + Interlocked.Exchange(ref _amount, 0d);
}
