using System.Buffers;
using System.Text.Json;

namespace MetricCollector.Gateway.Mcp;

/// <summary>Reads JSON-RPC messages (one object or a batch array) from a request body, and errors from a JSON response.</summary>
internal static class McpMessageReader
{
    /// <summary>The calls of a request body; one <c>malformed</c> call when it is not JSON-RPC.</summary>
    public static List<McpCall> ReadCalls(ReadOnlySequence<byte> body, McpToolLabels tools)
    {
        var calls = new List<McpCall>(1);
        try
        {
            using var document = JsonDocument.Parse(body);
            var root = document.RootElement;
            if (root.ValueKind == JsonValueKind.Array)
            {
                foreach (var message in root.EnumerateArray())
                {
                    calls.Add(ReadCall(message, tools));
                }
            }
            else
            {
                calls.Add(ReadCall(root, tools));
            }
        }
        catch (JsonException)
        {
            // A body that is not JSON is forwarded untouched; it is only counted.
            calls.Clear();
        }

        if (calls.Count == 0)
        {
            calls.Add(new McpCall(McpMethods.Malformed, "", null));
        }

        return calls;
    }

    /// <summary>
    /// The JSON-RPC errors of a JSON response: for a single response, its error code under the key <c>""</c>; for a
    /// batch, each error code by the raw JSON text of its id. Empty when there is none or the body is not JSON.
    /// </summary>
    public static Dictionary<string, int> ReadErrors(ReadOnlySpan<byte> body)
    {
        var errors = new Dictionary<string, int>(StringComparer.Ordinal);
        if (body.IsEmpty)
        {
            return errors;
        }

        JsonDocument document;
        try
        {
            var reader = new Utf8JsonReader(body);
            document = JsonDocument.ParseValue(ref reader);
        }
        catch (JsonException)
        {
            // An upstream that labels a broken body as JSON: nothing to count, and the response is already on its way.
            return errors;
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind == JsonValueKind.Object && ErrorCode(root) is int code)
            {
                errors[""] = code;
            }
            else if (root.ValueKind == JsonValueKind.Array)
            {
                foreach (var response in root.EnumerateArray())
                {
                    if (response.ValueKind == JsonValueKind.Object && ErrorCode(response) is int itemCode && response.TryGetProperty("id", out var id))
                    {
                        errors[id.GetRawText()] = itemCode;
                    }
                }
            }
        }

        return errors;
    }

    private static McpCall ReadCall(JsonElement message, McpToolLabels tools)
    {
        if (message.ValueKind != JsonValueKind.Object || !message.TryGetProperty("method", out var methodElement) || methodElement.ValueKind != JsonValueKind.String)
        {
            return new McpCall(McpMethods.Malformed, "", null);
        }

        string method = McpMethods.Label(methodElement.GetString());
        string tool = "";
        if (method == "tools/call")
        {
            string? name = message.TryGetProperty("params", out var parameters) && parameters.ValueKind == JsonValueKind.Object
                && parameters.TryGetProperty("name", out var nameElement) && nameElement.ValueKind == JsonValueKind.String
                ? nameElement.GetString()
                : null;
            tool = tools.Label(name);
        }

        string? id = message.TryGetProperty("id", out var idElement) && idElement.ValueKind != JsonValueKind.Null ? idElement.GetRawText() : null;
        return new McpCall(method, tool, id);
    }

    private static int? ErrorCode(JsonElement response) =>
        response.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.Object
            ? error.TryGetProperty("code", out var code) && code.TryGetInt32(out int value) ? value : 0
            : null;
}
