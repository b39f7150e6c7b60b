using Yarp.ReverseProxy.Configuration;

namespace MetricCollector.Gateway.Proxy;

/// <summary>
/// Refuses a route that asks for an ASP.NET Core middleware the gateway does not run: with <c>Timeout</c>,
/// <c>TimeoutPolicy</c> or <c>CorsPolicy</c> YARP loads the route and then fails every request of it with 500, before
/// the instrumentation sees it, so uncounted; with <c>RateLimiterPolicy</c> or <c>OutputCachePolicy</c> the policy would
/// silently do nothing; with an <c>AuthorizationPolicy</c> other than <c>"Anonymous"</c> ASP.NET Core fails every
/// request with 500 (no authentication scheme is configured). Empty names, which YARP ignores, and <c>"Disable"</c> for
/// a timeout or rate limiter policy, which asks for what the gateway does anyway, are let through. Refused as <see cref="DestinationAddressFilter"/>
/// refuses: at start the gateway stops naming the setting; on a reload YARP keeps the configuration it had and
/// <see cref="ProxyConfigReloadLog"/> logs why.
/// </summary>
/// <remarks>
/// Registered by the gateway's own host, not by <c>AddGatewayInstrumentation()</c>: a host the gateway is composed into
/// may run those middlewares.
/// </remarks>
internal sealed class RouteMiddlewareFilter : IProxyConfigFilter
{
    public ValueTask<ClusterConfig> ConfigureClusterAsync(ClusterConfig cluster, CancellationToken cancel) => ValueTask.FromResult(cluster);

    public ValueTask<RouteConfig> ConfigureRouteAsync(RouteConfig route, ClusterConfig? cluster, CancellationToken cancel)
    {
        const string Timeouts = "request timeouts, so every request of the route would fail with 500; a request whose upstream goes silent is ended by the cluster's HttpRequest:ActivityTimeout (default 100 s, answered 504)";
        if (route.Timeout is not null)
        {
            throw Refused(route, "Timeout", Timeouts);
        }

        // Empty names YARP ignores, and "Disable" turns a policy off, which the gateway, running neither middleware,
        // already does: YARP needs the request-timeouts middleware only for a timeout to apply.
        if (!string.IsNullOrEmpty(route.TimeoutPolicy) && !IsDisable(route.TimeoutPolicy))
        {
            throw Refused(route, "TimeoutPolicy", Timeouts);
        }

        // "Disable" too: YARP marks the route to refuse CORS requests, which needs the middleware as much.
        if (!string.IsNullOrEmpty(route.CorsPolicy))
        {
            throw Refused(route, "CorsPolicy", "CORS, so every request of the route would fail with 500; the backends' own CORS headers pass through unchanged");
        }

        if (!string.IsNullOrEmpty(route.RateLimiterPolicy) && !IsDisable(route.RateLimiterPolicy))
        {
            throw Refused(route, "RateLimiterPolicy", "rate limiting, so the policy would do nothing");
        }

        if (!string.IsNullOrEmpty(route.OutputCachePolicy))
        {
            throw Refused(route, "OutputCachePolicy", "output caching, so the policy would do nothing");
        }

        // Any policy but "Anonymous" asks for a user, and the gateway configures no authentication scheme to find one:
        // ASP.NET Core failed every request of the route with 500, before the instrumentation (a review: a route
        // failing every request looked idle).
        if (!string.IsNullOrEmpty(route.AuthorizationPolicy) && !string.Equals(route.AuthorizationPolicy, "Anonymous", StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidOperationException($"ReverseProxy:Routes:{route.RouteId}:AuthorizationPolicy (route '{route.RouteId}') is '{route.AuthorizationPolicy}', but the gateway configures no authentication, so every request of the route would fail with 500. Remove it, or set it to \"Anonymous\"; the backends check their own credentials, which pass through.");
        }

        return ValueTask.FromResult(route);
    }

    private static bool IsDisable(string policy) => string.Equals(policy, "Disable", StringComparison.OrdinalIgnoreCase);

    private static InvalidOperationException Refused(RouteConfig route, string setting, string consequence) =>
        new($"ReverseProxy:Routes:{route.RouteId}:{setting} (route '{route.RouteId}') is set, but the gateway does not run ASP.NET Core's middleware for {consequence}. Remove it from the route.");
}
