using System.Diagnostics;
using Microsoft.AspNetCore.Mvc;

namespace MetricCollector.Gateway.Proxy;

/// <summary>
/// Answers requests that no route matched with 404 problem details, and counts them as <c>route="unmatched"</c>: the
/// path is never a label, so absurd paths cannot grow the metrics.
/// </summary>
/// <remarks>
/// A middleware after routing rather than a fallback endpoint: a fallback is a catch-all route that the router weighs,
/// and captures the path of, on every request (~120 B each, proxied or not).
/// </remarks>
internal sealed class UnmatchedRequestMiddleware(RequestDelegate next, GatewayMetrics metrics)
{
    private const string NoRouteType = ProblemResponse.TypePrefix + "no_route";

    // Routing leaves no endpoint when no path matched, and sets a plain endpoint (not a route) answering 405 when
    // paths matched only for other methods: neither is a route of this request.
    public Task InvokeAsync(HttpContext context) =>
        context.GetEndpoint() is RouteEndpoint ? next(context) : RespondAsync(context);

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
}
