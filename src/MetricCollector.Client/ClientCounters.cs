namespace MetricCollector.Client;

/// <summary>The client's own counts, written from any thread and read as a <see cref="MetricCollectorClientStatistics"/>.</summary>
internal sealed class ClientCounters
{
    /// <summary>How many <see cref="DropReason"/> values there are.</summary>
    public const int DropReasons = (int)DropReason.Stopped + 1;

    // One count per reason, so that the drop warning can say why; Dropped is their sum.
    private readonly long[] _dropped = new long[DropReasons];
    private long _sent;
    private long _rejected;
    private long _retried;
    private volatile bool _stopped;
    private int _recordedAfterStop;

    /// <summary>Told once, the first time a value recorded after the client stopped is dropped.</summary>
    public Action? FirstRecordedAfterStop { get; set; }

    /// <summary>
    /// Whether the client has stopped sending: from then on a counter increment or a gauge value is counted as dropped
    /// at once (the observation buffer refuses its writes for the same reason), as nothing would ever send it.
    /// </summary>
    public bool Stopped => _stopped;

    public void MarkStopped() => _stopped = true;

    public void CountSent(long records) => Interlocked.Add(ref _sent, records);

    public void CountRejected(long records) => Interlocked.Add(ref _rejected, records);

    public void CountRetry() => Interlocked.Increment(ref _retried);

    public void CountDropped(DropReason reason, long values = 1) => Interlocked.Add(ref _dropped[(int)reason], values);

    /// <summary>
    /// Counts values recorded after the client stopped, on the caller's thread. The first is also told
    /// (<see cref="FirstRecordedAfterStop"/>): no flush will report them, and a hosted service registered before the
    /// client, so stopping after it, loses its last values this way.
    /// </summary>
    public void CountRecordedAfterStop(long values = 1)
    {
        CountDropped(DropReason.Stopped, values);
        // Read first: every value after the stop passes here, and only the first needs the write.
        if (Volatile.Read(ref _recordedAfterStop) == 0 && Interlocked.Exchange(ref _recordedAfterStop, 1) == 0)
        {
            FirstRecordedAfterStop?.Invoke();
        }
    }

    /// <summary>Values dropped so far for <paramref name="reason"/>.</summary>
    public long DroppedFor(DropReason reason) => Interlocked.Read(ref _dropped[(int)reason]);

    /// <summary>Values dropped so far, read without taking a whole <see cref="Snapshot"/>.</summary>
    public long Dropped
    {
        get
        {
            long total = 0;
            for (int reason = 0; reason < DropReasons; reason++)
            {
                total += Interlocked.Read(ref _dropped[reason]);
            }

            return total;
        }
    }

    public MetricCollectorClientStatistics Snapshot() => new(
        Interlocked.Read(ref _sent),
        Interlocked.Read(ref _rejected),
        Interlocked.Read(ref _retried),
        Dropped);
}
