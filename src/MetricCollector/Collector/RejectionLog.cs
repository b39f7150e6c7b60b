using MetricCollector.Recording;
using Microsoft.Extensions.Logging;

namespace MetricCollector.Collector;

/// <summary>
/// Logs rejected records at warning level, at most a configured number per minute; what is held back is counted and
/// reported in one line when the next minute starts, so a client sending garbage cannot flood the log.
/// </summary>
internal sealed partial class RejectionLog(ILogger logger, TimeProvider time, int perMinute)
{
    private readonly LogSampler _sampler = new(time, perMinute);

    public void Rejected(RecordRejection rejection)
    {
        if (!logger.IsEnabled(LogLevel.Warning) || !_sampler.TryEnter(out int suppressedBefore))
        {
            return;
        }

        if (suppressedBefore > 0)
        {
            LogSuppressed(logger, suppressedBefore, LogSampler.WindowSeconds);
        }

        LogRejected(logger, rejection.ReasonLabel, rejection.Field, rejection.Detail);
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Warning, Message = "Record rejected ({Reason}) at '{Field}': {Detail}")]
    private static partial void LogRejected(ILogger logger, string reason, string field, string detail);

    [LoggerMessage(EventId = 2, Level = LogLevel.Warning, Message = "{Count} more rejected records were not logged in the last {Seconds} s; metric_collector_records_total counts them all")]
    private static partial void LogSuppressed(ILogger logger, int count, double seconds);
}
