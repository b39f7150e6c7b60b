namespace MetricCollector.Collector;

/// <summary>
/// What every series of a pushed metric holds besides its value: when it was last updated, how long it may go without
/// updates, and the state writers and removal agree through. They use two counters instead of a lock, so a record
/// costs two interlocked operations: a writer that entered finishes on a live series, and a removal never discards an
/// update it raced with. Subclasses add the value; the fields here are kept to 24 bytes because there is one such
/// object per series.
/// </summary>
internal abstract class PushedSeries
{
    // _state bits. Removing: writers must back off (set for good by a removal, or for a moment by an expiry check
    // that may still give up). Published: a write has completed, so the series may be exposed (prometheus-net's
    // SuppressInitialValue). Retired: the series has left its metric for good and must no longer be exposed.
    private const int Removing = 1;
    private const int Published = 2;
    private const int Retired = 4;

    private long _lastUpdate;
    private long _timeToLive;
    private int _writers;
    private int _state;

    /// <summary>The timestamp (<see cref="TimeProvider.GetTimestamp"/>) of the last update.</summary>
    public long LastUpdate => Volatile.Read(ref _lastUpdate);

    /// <summary>
    /// How long the series lives without updates, in timestamp ticks, as its records last gave it (<c>ttl_seconds</c>);
    /// 0 when none did, and the collector's default (<c>SeriesTimeToLive</c>, as configured now) applies.
    /// </summary>
    public long TimeToLive => Volatile.Read(ref _timeToLive);

    /// <summary>
    /// True once a write has completed and until the series is retired: what the exposition shows. A removal that an
    /// expiry check starts and then abandons does not hide the series, so a scrape never misses a live one.
    /// </summary>
    public bool IsVisible => (Volatile.Read(ref _state) & (Published | Retired)) == Published;

    /// <summary>True once the series has left its metric for good.</summary>
    public bool IsRetired => (Volatile.Read(ref _state) & Retired) != 0;

    /// <summary>Enters a write; false when the series is being removed, and the writer must look it up again.</summary>
    public bool TryEnter()
    {
        Interlocked.Increment(ref _writers);
        if ((Volatile.Read(ref _state) & Removing) == 0)
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

        // Only the first write pays for the interlocked operation.
        if ((Volatile.Read(ref _state) & Published) == 0)
        {
            Interlocked.Or(ref _state, Published);
        }

        Interlocked.Decrement(ref _writers);
    }

    /// <summary>Leaves a write that changed nothing: the last update and the time to live stay as they were.</summary>
    public void ExitUnchanged() => Interlocked.Decrement(ref _writers);

    /// <param name="now">The current timestamp.</param>
    /// <param name="defaultTimeToLive">The collector's default in timestamp ticks, for a series without its own; 0 for none.</param>
    public bool IsExpired(long now, long defaultTimeToLive)
    {
        // Not yet written (being created): it has no last update to be idle since, and a scan must not take it from
        // the writer about to make its first.
        if ((Volatile.Read(ref _state) & Published) == 0)
        {
            return false;
        }

        long ttl = TimeToLive;
        if (ttl == 0)
        {
            ttl = defaultTimeToLive;
        }

        return ttl > 0 && now - LastUpdate >= ttl;
    }

    /// <summary>
    /// Marks the series removed when no write is in progress and <paramref name="stillWanted"/> agrees; otherwise
    /// leaves it live. Called under the metric's creation lock.
    /// </summary>
    public bool TryMarkRemoved(Func<PushedSeries, bool> stillWanted)
    {
        // Interlocked: a full fence before _writers is read, as the writer's increment is before its read of _state.
        Interlocked.Or(ref _state, Removing);
        if (Volatile.Read(ref _writers) == 0 && stillWanted(this))
        {
            return true;
        }

        // Interlocked too: a writer's Exit may be setting Published at the same moment.
        Interlocked.And(ref _state, ~Removing);
        return false;
    }

    /// <summary>Marks the series removed, waiting for the writes in progress to finish. Called under the metric's creation lock.</summary>
    public void MarkRemoved()
    {
        Interlocked.Or(ref _state, Removing);
        var spin = default(SpinWait);
        while (Volatile.Read(ref _writers) != 0)
        {
            spin.SpinOnce();
        }
    }

    /// <summary>
    /// Called once the series is marked removed, just before it leaves its metric: hides it from expositions that
    /// already hold it, and lets a subclass release what it holds elsewhere.
    /// </summary>
    public virtual void Retire() => Interlocked.Or(ref _state, Retired);
}
