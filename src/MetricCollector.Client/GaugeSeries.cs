using MetricCollector.Client.Series;

namespace MetricCollector.Client;

/// <summary>
/// One gauge series. Only the latest value matters, so <see cref="Set"/> overwrites it in place and the sender sends
/// it (as <c>operation: set</c>) when it changed since the last batch.
/// </summary>
public sealed class GaugeSeries
{
    private readonly ClientCounters _counters;
    private long _bits;
    private long _version;

    // The version last taken by TryDrain.
    private long _sentVersion;

    internal GaugeSeries(SeriesDefinition definition, ClientCounters counters)
    {
        Definition = definition;
        _counters = counters;
    }

    internal SeriesDefinition Definition { get; }

    /// <summary>
    /// Sets the value. Never blocks, never throws; a non-finite value is not sent and counts as dropped, as does a value
    /// set after the client stopped or the series was removed.
    /// </summary>
    /// <param name="value">The new value.</param>
    public void Set(double value)
    {
        if (!double.IsFinite(value))
        {
            _counters.CountDropped(DropReason.NotFinite);
            return;
        }

        if (_counters.Stopped || Definition.Removed)
        {
            CountRefused();
            return;
        }

        Volatile.Write(ref _bits, BitConverter.DoubleToInt64Bits(value));
        Interlocked.Increment(ref _version);
        if ((_counters.Stopped || Definition.Retired) && TryDrain(out _))
        {
            // Set just as the client stopped, or just as the sender retired the removed series, after the final drain:
            // never to be sent.
            CountRefused();
        }
    }

    /// <summary>Takes a value set after the sender's last drain of the removed series and counts it as dropped.</summary>
    internal void Reclaim()
    {
        if (TryDrain(out _))
        {
            CountRefused();
        }
    }

    private void CountRefused()
    {
        if (_counters.Stopped)
        {
            _counters.CountRecordedAfterStop();
        }
        else
        {
            _counters.CountDropped(DropReason.Removed);
        }
    }

    /// <summary>The latest value, when one was ever set (for a refresh, which sends it unchanged).</summary>
    internal bool TryLatest(out double value)
    {
        value = BitConverter.Int64BitsToDouble(Volatile.Read(ref _bits));
        return Volatile.Read(ref _version) != 0;
    }

    /// <summary>The latest value, when it was set since the last call.</summary>
    /// <remarks>
    /// A <see cref="Set"/> racing with this call may have its value read here and its version seen next time; the value
    /// is then sent twice, which a set makes harmless, and never lost.
    /// </remarks>
    internal bool TryDrain(out double value)
    {
        long version = Volatile.Read(ref _version);
        long sent = Volatile.Read(ref _sentVersion);
        // Taken once: the sender, and a setter that finds the client stopped (see Set), may race for the last value.
        if (version == sent || Interlocked.CompareExchange(ref _sentVersion, version, sent) != sent)
        {
            value = 0;
            return false;
        }

        value = BitConverter.Int64BitsToDouble(Volatile.Read(ref _bits));
        return true;
    }
}
