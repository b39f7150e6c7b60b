using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace MetricCollector.Demo;

/// <summary>RequestRouter: answers any <c>/router/**</c> request in tens of milliseconds; 2% fail with 500.</summary>
internal static class RequestRouterStandIn
{
    public static void Map(WebApplication app) =>
        app.Map("/router/{**rest}", async (HttpContext context, string? rest) =>
        {
            await Latency.DelayAsync(20, context.RequestAborted);
            return Latency.Fails(0.02)
                ? Results.Problem("routing table unavailable", statusCode: 500)
                : Results.Ok(new { routedTo = "worker-" + Random.Shared.Next(1, 4), path = rest ?? "" });
        });
}
