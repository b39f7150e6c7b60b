namespace MetricCollector.Collector;

/// <summary>The number of pushed series the collector may hold, shared by all metrics; taken when a series is created.</summary>
internal sealed class SeriesBudget(int limit)
{
    private int _used;

    public int Limit { get; } = limit;

    public int Used => Volatile.Read(ref _used);

    public bool TryTake()
    {
        if (Interlocked.Increment(ref _used) <= Limit)
        {
            return true;
        }

        Interlocked.Decrement(ref _used);
        return false;
    }

    /// <summary>Gives back the share of a removed series.</summary>
    public void Return() => Interlocked.Decrement(ref _used);
}
