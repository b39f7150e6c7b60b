namespace MetricCollector.Client.Delivery;

/// <summary>
/// Lets one warning of a kind through per interval, so that a collector down for an hour or a buffer that overflows
/// every second costs the component one log line a minute, not thousands.
/// </summary>
internal sealed class WarningGate(TimeProvider time, TimeSpan interval)
{
    private long _last = long.MinValue;

    /// <summary>Starts the interval now, as if a warning had just passed (one logged elsewhere, say).</summary>
    public void Restart() => Interlocked.Exchange(ref _last, time.GetTimestamp());

    public bool TryPass()
    {
        long now = time.GetTimestamp();
        long last = Interlocked.Read(ref _last);
        if (last != long.MinValue && time.GetElapsedTime(last, now) < interval)
        {
            return false;
        }

        return Interlocked.CompareExchange(ref _last, now, last) == last;
    }
}
