using Prometheus;

namespace MetricCollector.Collector;

/// <summary>
/// One series of a pushed metric: its prometheus-net child, when it was last updated, and how long it may go without
/// updates. Writers and removal agree through two counters instead of a lock, so a record costs two interlocked
/// operations: a writer that entered finishes on a live series, and a removal never discards an update it raced with.
/// </summary>
/// <typeparam name="TChild">The prometheus-net series type.</typeparam>
internal sealed class PushedSeries<TChild>(TChild child)
    where TChild : ChildBase
{
    private int _writers;
    private int _removed;
    private long _lastUpdate;
    private long _timeToLive;

    public TChild Child { get; } = child;

    /// <summary>The timestamp (<see cref="TimeProvider.GetTimestamp"/>) of the last update.</summary>
    public long LastUpdate => Volatile.Read(ref _lastUpdate);

    /// <summary>How long the series lives without updates, in timestamp ticks; 0 for ever.</summary>
    public long TimeToLive => Volatile.Read(ref _timeToLive);

    /// <summary>Enters a write; false when the series is being removed, and the writer must look it up again.</summary>
    public bool TryEnter()
    {
        Interlocked.Increment(ref _writers);
        if (Volatile.Read(ref _removed) == 0)
        {
            return true;
        }

        Interlocked.Decrement(ref _writers);
        return false;
    }

    /// <summary>Leaves a write, recording when it happened and the series' time to live (null keeps the current one).</summary>
    public void Exit(long now, long? timeToLive)
    {
        Volatile.Write(ref _lastUpdate, now);
        if (timeToLive is { } ttl)
        {
            Volatile.Write(ref _timeToLive, ttl);
        }

        Interlocked.Decrement(ref _writers);
    }

    public bool IsExpired(long now)
    {
        long ttl = TimeToLive;
        return ttl > 0 && now - LastUpdate >= ttl;
    }

    /// <summary>
    /// Marks the series removed when no write is in progress and <paramref name="stillWanted"/> agrees; otherwise
    /// leaves it live. Called under the metric's creation lock.
    /// </summary>
    public bool TryMarkRemoved(Func<PushedSeries<TChild>, bool> stillWanted)
    {
        Interlocked.Exchange(ref _removed, 1);
        if (Volatile.Read(ref _writers) == 0 && stillWanted(this))
        {
            return true;
        }

        Volatile.Write(ref _removed, 0);
        return false;
    }

    /// <summary>Marks the series removed, waiting for the writes in progress to finish. Called under the metric's creation lock.</summary>
    public void MarkRemoved()
    {
        Interlocked.Exchange(ref _removed, 1);
        var spin = default(SpinWait);
        while (Volatile.Read(ref _writers) != 0)
        {
            spin.SpinOnce();
        }
    }
}
