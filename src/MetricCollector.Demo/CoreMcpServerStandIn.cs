using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace MetricCollector.Demo;

/// <summary>
/// CoreMCPServer over MCP streamable HTTP, answering in plain JSON (<c>application/json</c>) so that the gateway reads
/// the answers and its MCP metrics show every outcome: a request gets its response (<c>tools/call</c> after ~150 ms,
/// failing with a JSON-RPC error 5% of the time), a notification 202 with no body, a batch an array of the responses
/// to its requests, and a body that is not JSON 400 with a JSON-RPC parse error.
/// </summary>
internal static class CoreMcpServerStandIn
{
    private static readonly string[] Tools = ["search", "fetch", "summarize"];

    public static void Map(WebApplication app) =>
        app.MapPost("/mcp", async (HttpContext context) =>
        {
            JsonNode? body;
            try
            {
                body = await JsonNode.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted);
            }
            catch (JsonException)
            {
                return Results.Json(Error(null, -32700, "Parse error"), statusCode: StatusCodes.Status400BadRequest);
            }

            if (body is JsonArray batch)
            {
                var responses = new JsonArray();
                foreach (var message in batch)
                {
                    if (await AnswerAsync(message, context.RequestAborted) is { } response)
                    {
                        responses.Add(response);
                    }
                }

                return responses.Count == 0 ? Results.StatusCode(StatusCodes.Status202Accepted) : Results.Json(responses);
            }

            var answer = await AnswerAsync(body, context.RequestAborted);
            return answer is null ? Results.StatusCode(StatusCodes.Status202Accepted) : Results.Json(answer);
        });

    /// <summary>The response to one JSON-RPC message; null for a notification, which gets none.</summary>
    private static async Task<JsonObject?> AnswerAsync(JsonNode? message, CancellationToken cancellationToken)
    {
        if (message is not JsonObject request || request["method"]?.GetValueKind() != JsonValueKind.String)
        {
            return Error(null, -32600, "Invalid Request");
        }

        if (!request.TryGetPropertyValue("id", out var id))
        {
            return null;
        }

        string method = request["method"]!.GetValue<string>();
        switch (method)
        {
            case "initialize":
                return Result(id, new JsonObject
                {
                    ["protocolVersion"] = "2025-03-26",
                    ["capabilities"] = new JsonObject { ["tools"] = new JsonObject() },
                    ["serverInfo"] = new JsonObject { ["name"] = "core-mcp-server-stand-in", ["version"] = "1.0" },
                });
            case "tools/list":
                await Latency.DelayAsync(10, cancellationToken);
                var tools = new JsonArray();
                foreach (string tool in Tools)
                {
                    tools.Add(new JsonObject { ["name"] = tool, ["inputSchema"] = new JsonObject { ["type"] = "object" } });
                }

                return Result(id, new JsonObject { ["tools"] = tools });
            case "tools/call":
                await Latency.DelayAsync(150, cancellationToken);
                return Latency.Fails(0.05)
                    ? Error(id, -32000, "tool failed")
                    : Result(id, new JsonObject { ["content"] = new JsonArray(new JsonObject { ["type"] = "text", ["text"] = "done" }) });
            default:
                await Latency.DelayAsync(10, cancellationToken);
                return Result(id, new JsonObject());
        }
    }

    private static JsonObject Result(JsonNode? id, JsonNode result) =>
        new() { ["jsonrpc"] = "2.0", ["id"] = id?.DeepClone(), ["result"] = result };

    private static JsonObject Error(JsonNode? id, int code, string message) =>
        new() { ["jsonrpc"] = "2.0", ["id"] = id?.DeepClone(), ["error"] = new JsonObject { ["code"] = code, ["message"] = message } };
}
