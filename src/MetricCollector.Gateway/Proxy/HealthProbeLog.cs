using Yarp.ReverseProxy.Health;
using Yarp.ReverseProxy.Model;

namespace MetricCollector.Gateway.Proxy;

/// <summary>
/// One line per change of a destination's active health probes, instead of YARP's warning with a stack trace on every
/// failed probe (turned off in appsettings.json): a warning when probes start failing, repeated once a minute while
/// they go on failing, and an information line when one succeeds again. <c>gateway_destination_healthy</c> has the
/// state at every scrape.
/// </summary>
internal sealed partial class HealthProbeLog(ILogger<HealthProbeLog> logger, TimeProvider time)
{
    private static readonly TimeSpan RepeatEvery = TimeSpan.FromMinutes(1);
    private readonly Dictionary<(string Cluster, string Destination), Failing> _failing = [];

    /// <summary>Notes the results of one round of probes of <paramref name="cluster"/>.</summary>
    public void Completed(ClusterState cluster, IReadOnlyList<DestinationProbingResult> results)
    {
        lock (_failing)
        {
            foreach (var result in results)
            {
                var key = (cluster.ClusterId, result.Destination.DestinationId);
                string? problem = ProblemOf(result);
                bool wasFailing = _failing.TryGetValue(key, out var failing);
                if (problem is null)
                {
                    if (wasFailing)
                    {
                        _failing.Remove(key);
                        LogRecovered(logger, key.DestinationId, key.ClusterId, failing!.Count);
                    }

                    continue;
                }

                var now = time.GetUtcNow();
                if (!wasFailing)
                {
                    _failing[key] = new Failing { Count = 1, LoggedAt = now };
                    LogFailing(logger, key.DestinationId, key.ClusterId, problem);
                    continue;
                }

                failing!.Count++;
                if (now - failing.LoggedAt >= RepeatEvery)
                {
                    failing.LoggedAt = now;
                    LogStillFailing(logger, key.DestinationId, key.ClusterId, failing.Count, problem);
                }
            }
        }
    }

    /// <summary>Why a probe failed, as YARP's ConsecutiveFailures policy judges it; null when it succeeded.</summary>
    private static string? ProblemOf(DestinationProbingResult result) => result switch
    {
        { Exception: OperationCanceledException } => "no answer within the probe timeout",
        { Exception: { } e } => e.Message,
        { Response: null } => "no response",
        { Response.IsSuccessStatusCode: false } => $"HTTP {(int)result.Response.StatusCode}",
        _ => null,
    };

    private sealed class Failing
    {
        public int Count { get; set; }

        public DateTimeOffset LoggedAt { get; set; }
    }

    [LoggerMessage(EventId = 30, Level = LogLevel.Warning, Message = "Health probe of destination '{Destination}' (cluster '{Cluster}') failed: {Problem}; logged again once a minute while it keeps failing")]
    private static partial void LogFailing(ILogger logger, string destination, string cluster, string problem);

    [LoggerMessage(EventId = 31, Level = LogLevel.Warning, Message = "Health probe of destination '{Destination}' (cluster '{Cluster}') still failing, {Count} probes in a row: {Problem}")]
    private static partial void LogStillFailing(ILogger logger, string destination, string cluster, int count, string problem);

    [LoggerMessage(EventId = 32, Level = LogLevel.Information, Message = "Health probe of destination '{Destination}' (cluster '{Cluster}') succeeds again after {Count} failed probes")]
    private static partial void LogRecovered(ILogger logger, string destination, string cluster, int count);
}
