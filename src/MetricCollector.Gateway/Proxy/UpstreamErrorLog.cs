using System.Runtime.CompilerServices;
using MetricCollector.Collector;
using Yarp.ReverseProxy.Forwarder;

namespace MetricCollector.Gateway.Proxy;

/// <summary>
/// Upstream errors at warning level, one line per kind (route and error) when it first occurs, then at most one a
/// minute while it goes on, saying how many of it were not logged: a dead backend under load must not flood the log,
/// nor hide the first error of another route or another kind behind its own (YARP's own per-request forwarder logging
/// is turned down to errors in appsettings.json); <c>gateway_upstream_errors_total</c> counts every one.
/// </summary>
/// <remarks>
/// The kinds are bounded: the configured routes times YARP's error values. Samplers hang off the route's metrics, which
/// live as long as YARP's route model, so a reload that drops a route drops its samplers too.
/// </remarks>
internal sealed partial class UpstreamErrorLog(ILogger<UpstreamErrorLog> logger, TimeProvider time)
{
    private const int PerMinute = 1;
    private readonly ConditionalWeakTable<RouteMetrics, LogSampler?[]> _samplers = new();

    public void Failed(RouteMetrics route, IForwarderErrorFeature error)
    {
        if (!logger.IsEnabled(LogLevel.Warning) || !SamplerFor(route, error.Error).TryEnter(out int suppressedBefore))
        {
            return;
        }

        string name = ForwarderErrorLabels.NameOf(error.Error);
        // YARP gives no exception for the errors it decides itself (no destination left to try): say what they mean.
        string message = error.Exception?.Message ?? (error.Error == ForwarderError.NoAvailableDestinations
            ? "no healthy destination in the cluster (see gateway_destination_healthy and the cluster's AvailableDestinationsPolicy)"
            : "no exception given");
        if (suppressedBefore > 0)
        {
            LogFailedAgain(logger, route.Route, route.Cluster, name, message, suppressedBefore);
        }
        else
        {
            LogFailed(logger, route.Route, route.Cluster, name, message);
        }
    }

    private LogSampler SamplerFor(RouteMetrics route, ForwarderError error)
    {
        var samplers = _samplers.GetValue(route, static _ => new LogSampler?[ForwarderErrorLabels.Count]);
        ref var slot = ref samplers[(int)error];
        // Two first errors of a kind at once: one sampler wins, so the kind is still logged once.
        return slot ?? Interlocked.CompareExchange(ref slot, new LogSampler(time, PerMinute), null) ?? slot;
    }

    [LoggerMessage(EventId = 20, Level = LogLevel.Warning, Message = "Upstream error on route '{Route}' (cluster '{Cluster}'): {Error}: {Message}")]
    private static partial void LogFailed(ILogger logger, string route, string cluster, string error, string message);

    [LoggerMessage(EventId = 21, Level = LogLevel.Warning, Message = "Upstream error on route '{Route}' (cluster '{Cluster}'): {Error}: {Message}; {Count} more like it since the previous line, not logged (gateway_upstream_errors_total counts them all)")]
    private static partial void LogFailedAgain(ILogger logger, string route, string cluster, string error, string message, int count);
}
