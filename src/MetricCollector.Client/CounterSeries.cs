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

    /// <summary>Adds one. Never blocks, never throws, allocates nothing.</summary>
    public void Inc() => Interlocked.Increment(ref _count);

    /// <summary>Adds <paramref name="amount"/>; a negative or non-finite amount is not sent and counts as dropped.</summary>
    /// <param name="amount">The increment, at least 0.</param>
    public void Inc(double amount)
    {
        if (!(amount >= 0) || double.IsPositiveInfinity(amount))
        {
            _counters.CountDropped(double.IsFinite(amount) ? DropReason.NegativeIncrement : DropReason.NotFinite);
            return;
        }

        double seen = Volatile.Read(ref _amount);
        while (true)
        {
            double actual = Interlocked.CompareExchange(ref _amount, seen + amount, seen);
            if (BitConverter.DoubleToInt64Bits(actual) == BitConverter.DoubleToInt64Bits(seen))
            {
                return;
            }

            seen = actual;
        }
    }

    /// <summary>Takes what was added since the last call: the increment the next record carries.</summary>
    internal double Drain() => Interlocked.Exchange(ref _count, 0) + Interlocked.Exchange(ref _amount, 0d);
}
