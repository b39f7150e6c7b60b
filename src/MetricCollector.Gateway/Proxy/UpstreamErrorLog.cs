using MetricCollector.Collector;
using Yarp.ReverseProxy.Forwarder;

namespace MetricCollector.Gateway.Proxy;

/// <summary>
/// Upstream errors at warning level, at most 20 lines a minute with a count of the rest: a dead backend under load must
/// not flood the log (YARP's own per-request forwarder logging is turned down to errors in appsettings.json);
/// <c>gateway_upstream_errors_total</c> counts every one.
/// </summary>
internal sealed partial class UpstreamErrorLog(ILogger<UpstreamErrorLog> logger, TimeProvider time)
{
    private const int PerMinute = 20;
    private readonly LogSampler _sampler = new(time, PerMinute);

    public void Failed(RouteMetrics route, IForwarderErrorFeature error)
    {
        if (!logger.IsEnabled(LogLevel.Warning) || !_sampler.TryEnter(out int suppressedBefore))
        {
            return;
        }

        if (suppressedBefore > 0)
        {
            LogSuppressed(logger, suppressedBefore, LogSampler.WindowSeconds);
        }

        LogFailed(logger, route.Route, route.Cluster, ForwarderErrorLabels.NameOf(error.Error), error.Exception?.Message ?? "");
    }

    [LoggerMessage(EventId = 20, Level = LogLevel.Warning, Message = "Upstream error on route '{Route}' (cluster '{Cluster}'): {Error}: {Message}")]
    private static partial void LogFailed(ILogger logger, string route, string cluster, string error, string message);

    [LoggerMessage(EventId = 21, Level = LogLevel.Warning, Message = "{Count} more upstream errors were not logged in the last {Seconds} s; gateway_upstream_errors_total counts them all")]
    private static partial void LogSuppressed(ILogger logger, int count, double seconds);
}
