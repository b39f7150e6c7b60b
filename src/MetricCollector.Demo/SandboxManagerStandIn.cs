using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace MetricCollector.Demo;

/// <summary>SandboxManager: allocation takes a few hundred milliseconds and 3% find the pool exhausted (503); a sandbox's logs are read through the catch-all <c>sandbox-other</c> route.</summary>
internal static class SandboxManagerStandIn
{
    public static void Map(WebApplication app)
    {
        app.MapPost("/sandboxes", async (HttpContext context) =>
        {
            await Latency.DelayAsync(300, context.RequestAborted);
            return Latency.Fails(0.03)
                ? Results.Problem("sandbox pool exhausted", statusCode: 503)
                : Results.Created($"/sandboxes/{Guid.NewGuid():N}", new { state = "allocated" });
        });
        app.MapGet("/sandboxes/{id}", async (HttpContext context, string id) =>
        {
            await Latency.DelayAsync(5, context.RequestAborted);
            return Results.Ok(new { id, state = "running" });
        });
        app.MapGet("/sandboxes/{id}/logs", async (HttpContext context, string id) =>
        {
            await Latency.DelayAsync(20, context.RequestAborted);
            return Results.Text($"sandbox {id}: started\n");
        });
        app.MapDelete("/sandboxes/{id}", async (HttpContext context, string id) =>
        {
            await Latency.DelayAsync(50, context.RequestAborted);
            return Results.NoContent();
        });
    }
}
