using Microsoft.Extensions.Logging;

namespace MetricCollector.Client.Delivery;

/// <summary>The client's log lines. Every warning here is either once per series or rate-limited by its caller.</summary>
internal static partial class DeliveryLog
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Warning,
        Message = "The metric collector refused record {Series} ({Reason} at '{Field}'): {Detail}. It is not sent again; later values of this series are, and are logged only if refused for another reason")]
    public static partial void RecordRefused(ILogger logger, string series, string reason, string field, string detail);

    [LoggerMessage(EventId = 2, Level = LogLevel.Warning,
        Message = "The metric collector refused a batch of {Records} records with {Status} ({Type}): {Detail}. It is not sent again")]
    public static partial void BatchRefused(ILogger logger, int records, int status, string type, string detail);

    [LoggerMessage(EventId = 3, Level = LogLevel.Warning,
        Message = "The metric collector could not be reached ({Problem}); {Batches} batches wait and are sent again with the same Idempotency-Key. Logged at most once a minute")]
    public static partial void DeliveryDelayed(ILogger logger, string problem, int batches);

    [LoggerMessage(EventId = 4, Level = LogLevel.Warning,
        Message = "{Count} metric values were dropped since the last report ({Total} since start): the observation buffer was full or values were not finite. Logged at most once a minute")]
    public static partial void ValuesDropped(ILogger logger, long count, long total);

    [LoggerMessage(EventId = 5, Level = LogLevel.Warning,
        Message = "Circuit to the metric collector opened for {Seconds} s after repeated failures (last: {Problem}); batches wait meanwhile")]
    public static partial void CircuitOpened(ILogger logger, double seconds, string problem);

    [LoggerMessage(EventId = 6, Level = LogLevel.Information, Message = "Circuit to the metric collector closed: it answers again")]
    public static partial void CircuitClosed(ILogger logger);

    [LoggerMessage(EventId = 7, Level = LogLevel.Warning,
        Message = "Stopped with {Values} metric values not delivered within the shutdown deadline of {Seconds} s; they are counted as dropped")]
    public static partial void UndeliveredAtShutdown(ILogger logger, long values, double seconds);

    [LoggerMessage(EventId = 8, Level = LogLevel.Error, Message = "Sending metrics failed unexpectedly; the batch waits for the next flush")]
    public static partial void SendFailed(ILogger logger, Exception exception);
}
