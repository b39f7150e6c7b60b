namespace MetricCollector.Collector;

/// <summary>
/// Lets at most a set number of log lines through per minute and counts the rest, so that per-request events (refused
/// records, upstream errors) cannot flood the log; the count held back is handed to the first line of the next minute.
/// </summary>
internal sealed class LogSampler
{
    private static readonly TimeSpan Window = TimeSpan.FromMinutes(1);

    private readonly TimeProvider _time;
    private readonly int _perWindow;
    private readonly Lock _gate = new();
    private long _windowStart;
    private int _logged;
    private int _suppressed;

    public LogSampler(TimeProvider time, int perMinute)
    {
        _time = time;
        _perWindow = perMinute;
        _windowStart = time.GetTimestamp();
    }

    public static double WindowSeconds => Window.TotalSeconds;

    /// <summary>True when this event may be logged; <paramref name="suppressedBefore"/> is how many were held back in the previous minute.</summary>
    public bool TryEnter(out int suppressedBefore)
    {
        lock (_gate)
        {
            long now = _time.GetTimestamp();
            suppressedBefore = 0;
            if (_time.GetElapsedTime(_windowStart, now) >= Window)
            {
                suppressedBefore = _suppressed;
                _windowStart = now;
                _logged = 0;
                _suppressed = 0;
            }

            if (_logged >= _perWindow)
            {
                _suppressed++;
                return false;
            }

            _logged++;
            return true;
        }
    }
}
