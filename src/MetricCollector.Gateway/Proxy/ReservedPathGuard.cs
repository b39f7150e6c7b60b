using Microsoft.AspNetCore.Routing.Template;
using Microsoft.Extensions.Primitives;
using Yarp.ReverseProxy.Configuration;

namespace MetricCollector.Gateway.Proxy;

/// <summary>
/// Warns, at start-up and after every proxy-config reload, about routes whose path would match the gateway's own
/// endpoints: those requests are still answered by the gateway (its endpoints come first), but the operator should know
/// that the route does not get them.
/// </summary>
internal sealed partial class ReservedPathGuard(IProxyConfigProvider configProvider, ILogger<ReservedPathGuard> logger) : IHostedService
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
        foreach (var route in configProvider.GetConfig().Routes)
        {
            var shadowed = ShadowedBy(route);
            if (shadowed.Count > 0)
            {
                LogShadowingRoute(logger, route.RouteId, route.Match.Path ?? "(any)", string.Join(", ", shadowed));
            }
        }
    }

    [LoggerMessage(EventId = 10, Level = LogLevel.Warning,
        Message = "Route '{RouteId}' (path '{Path}') would match the gateway's own endpoints {Reserved}; the gateway answers those itself and never forwards them")]
    private static partial void LogShadowingRoute(ILogger logger, string routeId, string path, string reserved);
}
