using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace MetricCollector.Demo;

/// <summary>
/// CoreMCPServer over MCP streamable HTTP: JSON-RPC POSTs to <c>/mcp</c>; <c>tools/call</c> answers as a
/// <c>text/event-stream</c> (a progress event, then the result), everything else as JSON.
/// </summary>
internal static class CoreMcpServerStandIn
{
    public static void Map(WebApplication app) =>
        app.MapPost("/mcp", async (HttpContext context) =>
        {
            using var request = await JsonDocument.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted);
            var root = request.RootElement;
            string method = root.TryGetProperty("method", out var m) ? m.GetString() ?? "" : "";
            var id = root.TryGetProperty("id", out var i) ? i.Clone() : default;
            if (method != "tools/call")
            {
                await Latency.DelayAsync(10, context.RequestAborted);
                await context.Response.WriteAsJsonAsync(new { jsonrpc = "2.0", id, result = new { } }, context.RequestAborted);
                return;
            }

            context.Response.ContentType = "text/event-stream";
            await context.Response.WriteAsync("event: message\ndata: {\"jsonrpc\":\"2.0\",\"method\":\"notifications/progress\"}\n\n", context.RequestAborted);
            await context.Response.Body.FlushAsync(context.RequestAborted);
            await Latency.DelayAsync(150, context.RequestAborted);
            string result = Latency.Fails(0.05)
                ? JsonSerializer.Serialize(new { jsonrpc = "2.0", id, error = new { code = -32000, message = "tool failed" } })
                : JsonSerializer.Serialize(new { jsonrpc = "2.0", id, result = new { content = new[] { new { type = "text", text = "done" } } } });
            await context.Response.WriteAsync($"event: message\ndata: {result}\n\n", context.RequestAborted);
        });
}
