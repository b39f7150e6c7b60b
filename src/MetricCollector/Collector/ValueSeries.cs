namespace MetricCollector.Collector;

/// <summary>
/// A pushed counter or gauge series: one double beside the state of <see cref="PushedSeries"/>, 48 bytes. With its
/// label value array (its key), its dictionary node and its roster entry a series costs about 160 bytes besides the
/// label strings; prometheus-net's child for the same series holds about 430 (its own label objects, cached serialized
/// bytes, exemplar state). So counters and gauges are kept here and written by
/// <see cref="Exposition.PushedExpositionWriter"/>; nothing is serialized ahead of a scrape.
/// </summary>
internal sealed class ValueSeries : PushedSeries
{
    // The double's bits, so that an add is a compare-and-swap on a long: there is no lock per series.
    private long _bits;

    public double Value => BitConverter.Int64BitsToDouble(Volatile.Read(ref _bits));

    /// <summary>Adds <paramref name="delta"/> atomically, whatever the result (a count restored from a snapshot).</summary>
    public void Add(double delta) => Add(delta, finiteOnly: false);

    /// <summary>
    /// Adds <paramref name="delta"/> atomically (counters, and gauges changed with inc/dec) unless the result would not
    /// be finite; false, changing nothing, then.
    /// </summary>
    public bool TryAdd(double delta) => Add(delta, finiteOnly: true);

    private bool Add(double delta, bool finiteOnly)
    {
        long current = Volatile.Read(ref _bits);
        while (true)
        {
            double next = BitConverter.Int64BitsToDouble(current) + delta;
            if (finiteOnly && !double.IsFinite(next))
            {
                return false;
            }

            long seen = Interlocked.CompareExchange(ref _bits, BitConverter.DoubleToInt64Bits(next), current);
            if (seen == current)
            {
                return true;
            }

            current = seen;
        }
    }

    public void Set(double value) => Volatile.Write(ref _bits, BitConverter.DoubleToInt64Bits(value));
}
