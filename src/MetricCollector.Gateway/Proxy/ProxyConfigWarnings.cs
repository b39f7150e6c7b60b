using MetricCollector.Gateway.Mcp;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;
using Yarp.ReverseProxy.Configuration;

namespace MetricCollector.Gateway.Proxy;

/// <summary>
/// Warns, at start-up and after every proxy-config reload, about a configuration that starts but does nothing: no routes
/// at all (a file without its <c>ReverseProxy</c> section), or a <c>Gateway:Mcp:Cluster</c> that names no cluster, so
/// that MCP instrumentation is silently off.
/// </summary>
internal sealed partial class ProxyConfigWarnings(IProxyConfigProvider configProvider, IOptions<McpInstrumentationOptions> mcp, ILogger<ProxyConfigWarnings> logger) : IHostedService
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

    private void Check()
    {
        var config = configProvider.GetConfig();
        if (config.Routes.Count == 0)
        {
            LogNoRoutes(logger);
        }

        string cluster = mcp.Value.Cluster;
        var clusters = new List<string>(config.Clusters.Count);
        foreach (var c in config.Clusters)
        {
            if (c.ClusterId == cluster)
            {
                return;
            }

            clusters.Add(c.ClusterId);
        }

        LogNoMcpCluster(logger, cluster, clusters.Count == 0 ? "none" : string.Join(", ", clusters));
    }

    [LoggerMessage(EventId = 13, Level = LogLevel.Warning,
        Message = "The proxy configuration has no routes (does the proxy-config file have a ReverseProxy section?): the gateway forwards nothing")]
    private static partial void LogNoRoutes(ILogger logger);

    [LoggerMessage(EventId = 14, Level = LogLevel.Warning,
        Message = "Gateway:Mcp:Cluster '{Cluster}' names no cluster of the proxy configuration (clusters: {Clusters}): no route is read as MCP unless its metadata says \"Mcp\": \"true\"")]
    private static partial void LogNoMcpCluster(ILogger logger, string cluster, string clusters);
}
