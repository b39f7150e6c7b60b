using MetricCollector.Recording;
using Microsoft.Extensions.Logging;

namespace MetricCollector.Collector;

/// <summary>
/// Logs rejected records at warning level, at most a configured number per minute; what is held back is counted and
/// reported in one line when the next minute starts, so a client sending garbage cannot flood the log.
/// </summary>
internal sealed partial class RejectionLog
{
    private static readonly TimeSpan Window = TimeSpan.FromMinutes(1);

    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly int _perWindow;
    private readonly Lock _gate = new();
    private long _windowStart;
    private int _logged;
    private int _suppressed;

    public RejectionLog(ILogger logger, TimeProvider time, int perMinute)
    {
        _logger = logger;
        _time = time;
        _perWindow = perMinute;
        _windowStart = time.GetTimestamp();
    }

    public void Rejected(RecordRejection rejection)
    {
        if (!_logger.IsEnabled(LogLevel.Warning))
        {
            return;
        }

        int suppressedBefore;
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
                return;
            }

            _logged++;
        }

        if (suppressedBefore > 0)
        {
            LogSuppressed(_logger, suppressedBefore, Window.TotalSeconds);
        }

        LogRejected(_logger, rejection.ReasonLabel, rejection.Field, rejection.Detail);
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Warning, Message = "Record rejected ({Reason}) at '{Field}': {Detail}")]
    private static partial void LogRejected(ILogger logger, string reason, string field, string detail);

    [LoggerMessage(EventId = 2, Level = LogLevel.Warning, Message = "{Count} more rejected records were not logged in the last {Seconds} s; metric_collector_records_total counts them all")]
    private static partial void LogSuppressed(ILogger logger, int count, double seconds);
}
