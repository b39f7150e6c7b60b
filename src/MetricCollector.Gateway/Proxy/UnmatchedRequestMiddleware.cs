using System.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using Yarp.ReverseProxy.Model;

namespace MetricCollector.Gateway.Proxy;

/// <summary>
/// Counts the requests that never reach the proxy pipeline's instrumentation: it answers requests that no route
/// matched with 404 problem details, counted as <c>route="unmatched"</c> (the path is never a label, so absurd paths
/// cannot grow the metrics); and it counts the requests of a route whose ClusterId names no cluster, which YARP
/// answers 503 before its proxy pipeline runs, by route and the missing cluster's id.
/// </summary>
/// <remarks>
/// A middleware after routing rather than a fallback endpoint: a fallback is a catch-all route that the router weighs,
/// and captures the path of, on every request (~120 B each, proxied or not).
/// </remarks>
internal sealed class UnmatchedRequestMiddleware(RequestDelegate next, GatewayMetrics metrics)
{
    private const string NoRouteType = ProblemResponse.TypePrefix + "no_route";

    // Routing leaves no endpoint when no path matched, and sets a plain endpoint (not a route) answering 405 when
    // paths matched only for other methods: neither is a route of this request. A proxy route's endpoint carries its
    // RouteModel (the metadata lookup is cached per type); its Cluster is null only when the ClusterId names none.
    public Task InvokeAsync(HttpContext context)
    {
        if (context.GetEndpoint() is not RouteEndpoint endpoint)
        {
            return RespondAsync(context);
        }

        return endpoint.Metadata.GetMetadata<RouteModel>() is { Cluster: null } route ? CountWithoutClusterAsync(context, route) : next(context);
    }

    private Task RespondAsync(HttpContext context)
    {
        long start = Stopwatch.GetTimestamp();
        context.Response.StatusCode = StatusCodes.Status404NotFound;
        var problem = new ProblemDetails
        {
            Type = NoRouteType,
            Title = "No route",
            Status = StatusCodes.Status404NotFound,
            Detail = "No proxy route matches this request; see the routes in the gateway's proxy-config.",
        };
        var write = context.Response.WriteAsJsonAsync(problem, (System.Text.Json.JsonSerializerOptions?)null, "application/problem+json", context.RequestAborted);
        metrics.Unmatched.Observe(context.Request.Method, StatusCodes.Status404NotFound, Stopwatch.GetElapsedTime(start).TotalSeconds);
        return write;
    }

    private async Task CountWithoutClusterAsync(HttpContext context, RouteModel model)
    {
        // Labelled as the instrumentation labels every route: its id, and the ClusterId it names.
        var route = metrics.For(model);
        long start = Stopwatch.GetTimestamp();
        route.InFlight.Inc();
        try
        {
            await next(context);
        }
        finally
        {
            route.InFlight.Dec();
            route.Observe(context.Request.Method, context.Response.StatusCode, Stopwatch.GetElapsedTime(start).TotalSeconds);
        }
    }
}
