using System.Diagnostics;
using Microsoft.AspNetCore.Mvc;

namespace MetricCollector.Gateway.Proxy;

/// <summary>
/// Answers requests that no route matched with 404 problem details, and counts them as <c>route="unmatched"</c>: the
/// path is never a label, so absurd paths cannot grow the metrics.
/// </summary>
internal static class UnmatchedEndpoint
{
    private const string NoRouteType = ProblemResponse.TypePrefix + "no_route";

    public static Task HandleAsync(HttpContext context, GatewayMetrics metrics)
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
