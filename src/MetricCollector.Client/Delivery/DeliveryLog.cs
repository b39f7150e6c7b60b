using Microsoft.Extensions.Logging;

namespace MetricCollector.Client.Delivery;

/// <summary>
/// The client's log lines. Every warning here is rate-limited by its caller. The collector's
/// <c>detail</c> is passed through <see cref="Sentence"/> first: it ends in a period of its own.
/// </summary>
internal static partial class DeliveryLog
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Warning,
        Message = "The metric collector refused series {Series} ({Reason} at '{Field}'): {Detail}. Its definition cannot change, so its values are no longer sent and count as Rejected. {Others}Logged at most once a minute for each reason")]
    public static partial void SeriesRefused(ILogger logger, string series, string reason, string field, string detail, string others);

    [LoggerMessage(EventId = 9, Level = LogLevel.Warning,
        Message = "The metric collector refused a record of {Series} ({Reason} at '{Field}'): {Detail}. It is not sent again; later values of this series are sent again. {Others}Logged at most once a minute for each reason")]
    public static partial void RecordRefused(ILogger logger, string series, string reason, string field, string detail, string others);

    [LoggerMessage(EventId = 2, Level = LogLevel.Warning,
        Message = "The metric collector refused {Records} records in {Batches} batches with {Status} ({Type}): {Detail}. They count as Rejected and are not sent again. {Cause}Logged at most once a minute for each status and type")]
    public static partial void BatchRefused(ILogger logger, long records, long batches, int status, string type, string detail, string cause);

    [LoggerMessage(EventId = 3, Level = LogLevel.Warning,
        Message = "The metric collector could not be reached ({Problem}); {Batches} batches wait and are sent again with the same Idempotency-Key. Logged at most once a minute")]
    public static partial void DeliveryDelayed(ILogger logger, string problem, int batches);

    [LoggerMessage(EventId = 4, Level = LogLevel.Warning,
        Message = "{Count} metric values were dropped since the last report ({Total} since start): {Reasons}. Logged at most once a minute")]
    public static partial void ValuesDropped(ILogger logger, long count, long total, string reasons);

    [LoggerMessage(EventId = 5, Level = LogLevel.Warning,
        Message = "Circuit to the metric collector opened for {Seconds} s after repeated failures (last: {Problem}); batches wait meanwhile")]
    public static partial void CircuitOpened(ILogger logger, double seconds, string problem);

    [LoggerMessage(EventId = 11, Level = LogLevel.Warning,
        Message = "Circuit to the metric collector opened again {Times} times since the last report, each time for {Seconds} s, as its probes kept failing (last: {Problem}); batches wait meanwhile. Logged at most once a minute")]
    public static partial void CircuitReopened(ILogger logger, long times, double seconds, string problem);

    [LoggerMessage(EventId = 6, Level = LogLevel.Information, Message = "Circuit to the metric collector closed: it answers again{Reopened}")]
    public static partial void CircuitClosed(ILogger logger, string reopened);

    [LoggerMessage(EventId = 7, Level = LogLevel.Warning,
        Message = "Stopped with {Values} metric values not delivered {Reason}; they are counted as dropped")]
    public static partial void UndeliveredAtShutdown(ILogger logger, long values, string reason);

    [LoggerMessage(EventId = 12, Level = LogLevel.Warning,
        Message = "A metric value was recorded after the client stopped taking values; it is dropped and counted in Dropped, as every later one is, without another line. A hosted service that records while it stops must be registered after AddMetricCollectorClient: hosted services stop in reverse order of registration")]
    public static partial void RecordedAfterStop(ILogger logger);

    [LoggerMessage(EventId = 8, Level = LogLevel.Error, Message = "Sending metrics failed unexpectedly; the batch waits for the next flush")]
    public static partial void SendFailed(ILogger logger, Exception exception);

    // Not SendFailed: a failure outside a send (taking or writing the batch) leaves no batch waiting. The writer checks
    // every value so that it cannot throw; this is the last word should a bug make it.
    [LoggerMessage(EventId = 10, Level = LogLevel.Error, Message = "Flushing metrics failed unexpectedly; values taken for this flush may be lost without being counted as dropped")]
    public static partial void FlushFailed(ILogger logger, Exception exception);

    /// <summary>The collector's text without its closing period, for a message that puts its own after it.</summary>
    public static string Sentence(string? detail)
    {
        string text = (detail ?? "").TrimEnd();
        text = text.EndsWith('.') ? text[..^1] : text;
        return text.Length == 0 ? "no detail given" : text;
    }
}
