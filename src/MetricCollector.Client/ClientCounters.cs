namespace MetricCollector.Client;

/// <summary>The client's own counts, written from any thread and read as a <see cref="MetricCollectorClientStatistics"/>.</summary>
internal sealed class ClientCounters
{
    private long _sent;
    private long _rejected;
    private long _retried;
    private long _dropped;

    public void CountSent(long records) => Interlocked.Add(ref _sent, records);

    public void CountRejected(long records) => Interlocked.Add(ref _rejected, records);

    public void CountRetry() => Interlocked.Increment(ref _retried);

    public void CountDropped(long values = 1) => Interlocked.Add(ref _dropped, values);

    /// <summary>Values dropped so far, read without taking a whole <see cref="Snapshot"/>.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    public MetricCollectorClientStatistics Snapshot() => new(
        Interlocked.Read(ref _sent),
        Interlocked.Read(ref _rejected),
        Interlocked.Read(ref _retried),
        Interlocked.Read(ref _dropped));
}
