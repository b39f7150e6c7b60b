using MetricCollector.Gateway.Mcp;
using Microsoft.AspNetCore.Routing.Template;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;
using Yarp.ReverseProxy.Configuration;

namespace MetricCollector.Gateway.Proxy;

/// <summary>
/// Warns, at start-up and after every proxy-config reload, about routes that cannot do what they say: a path that
/// would match the gateway's own endpoints (those requests are still answered by the gateway, whose endpoints come
/// first, but the route never gets them), and a ClusterId that names no cluster (YARP answers every request of such a
/// route 503, and logs why only at Debug); and about a configuration that starts but does nothing: no routes at all
/// (a file without its <c>ReverseProxy</c> section), or a <c>Gateway:Mcp:Cluster</c> that names no cluster, so that
/// MCP instrumentation is silently off.
/// </summary>
internal sealed partial class RouteConfigGuard(IProxyConfigProvider configProvider, IOptions<McpInstrumentationOptions> mcp, ILogger<RouteConfigGuard> logger) : IHostedService
{
    private IDisposable? _subscription;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _subscription = ChangeToken.OnChange(() => configProvider.GetConfig().ChangeToken, Check);
        Check();
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        _subscription?.Dispose();
        return Task.CompletedTask;
    }

    /// <summary>The reserved paths that <paramref name="route"/> would match.</summary>
    internal static List<string> ShadowedBy(RouteConfig route)
    {
        var shadowed = new List<string>();
        string? path = route.Match.Path;
        if (path is null)
        {
            // A route without a path matches every path (of its hosts, methods, headers).
            shadowed.AddRange(ReservedPaths.All);
            return shadowed;
        }

        var matcher = new TemplateMatcher(TemplateParser.Parse(path), new RouteValueDictionary());
        // A reserved pattern (/metrics/{name}) is tried as the literal path it is: "{name}" stands for any one segment.
        foreach (string reserved in ReservedPaths.All)
        {
            if (matcher.TryMatch(reserved, new RouteValueDictionary()))
            {
                shadowed.Add(reserved);
            }
        }

        return shadowed;
    }

    private void Check()
    {
        var config = configProvider.GetConfig();
        if (config.Routes.Count == 0)
        {
            LogNoRoutes(logger);
        }

        // Routes find clusters ignoring case, as YARP does; Gateway:Mcp:Cluster is compared exactly (ordinal), as
        // McpMetrics matches a route's cluster to the setting.
        var clusters = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        string mcpCluster = mcp.Value.Cluster;
        bool mcpClusterFound = false;
        foreach (var cluster in config.Clusters)
        {
            clusters.Add(cluster.ClusterId);
            mcpClusterFound |= cluster.ClusterId == mcpCluster;
        }

        foreach (var route in config.Routes)
        {
            // A route with no ClusterId at all is not this mistake.
            if (route.ClusterId is { } clusterId && !clusters.Contains(clusterId))
            {
                LogMissingCluster(logger, route.RouteId, clusterId);
            }

            var shadowed = ShadowedBy(route);
            if (shadowed.Count > 0)
            {
                LogShadowingRoute(logger, route.RouteId, route.Match.Path ?? "(any)", string.Join(", ", shadowed));
            }
        }

        if (!mcpClusterFound)
        {
            LogNoMcpCluster(logger, mcpCluster, clusters.Count == 0 ? "none" : string.Join(", ", clusters));
        }
    }

    [LoggerMessage(EventId = 10, Level = LogLevel.Warning,
        Message = "Route '{RouteId}' (path '{Path}') would match the gateway's own endpoints {Reserved}; the gateway answers those itself and never forwards them")]
    private static partial void LogShadowingRoute(ILogger logger, string routeId, string path, string reserved);

    [LoggerMessage(EventId = 13, Level = LogLevel.Warning,
        Message = "Route '{RouteId}' names cluster '{ClusterId}', but there is no such cluster; the gateway answers every request of the route 503 (counted in gateway_requests_total with cluster=\"{ClusterId}\")")]
    private static partial void LogMissingCluster(ILogger logger, string routeId, string clusterId);

    [LoggerMessage(EventId = 15, Level = LogLevel.Warning,
        Message = "The proxy configuration has no routes (does the proxy-config file have a ReverseProxy section?): the gateway forwards nothing")]
    private static partial void LogNoRoutes(ILogger logger);

    [LoggerMessage(EventId = 14, Level = LogLevel.Warning,
        Message = "Gateway:Mcp:Cluster '{Cluster}' names no cluster of the proxy configuration (clusters: {Clusters}): no route is read as MCP unless its metadata says \"Mcp\": \"true\"")]
    private static partial void LogNoMcpCluster(ILogger logger, string cluster, string clusters);
}
