using System.Buffers;
using System.Text;
using System.Text.Json;
using MetricCollector.Gateway.Recording;

namespace MetricCollector.Gateway.Mcp;

/// <summary>Reads JSON-RPC messages (one object or a batch array) from a request body, and errors from a JSON response.</summary>
internal static class McpMessageReader
{
    /// <summary>
    /// The calls of a request body; one <c>malformed</c> call when it is not JSON-RPC. A forward-only scan: the method,
    /// the tool name and the id are read, everything else (the arguments, often most of the body) is skipped.
    /// </summary>
    public static List<McpCall> ReadCalls(ReadOnlySequence<byte> body, McpToolLabels tools)
    {
        var calls = new List<McpCall>(1);
        var reader = new Utf8JsonReader(WithoutByteOrderMark(body), new JsonReaderOptions { MaxDepth = 64 });
        try
        {
            if (!reader.Read())
            {
                calls.Add(Malformed);
            }
            else if (reader.TokenType == JsonTokenType.StartArray)
            {
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    calls.Add(ReadCall(ref reader));
                }
            }
            else
            {
                calls.Add(ReadCall(ref reader));
            }

            // Trailing content makes the whole body malformed, as a JSON-RPC server would see it.
            if (reader.Read())
            {
                calls.Clear();
            }

            // Only a body read whole takes places among the route's tool names: one thrown away as malformed took them
            // while counted malformed, and the real tools found the cap full of names no series showed (a review).
            for (int i = 0; i < calls.Count; i++)
            {
                if (calls[i].Method == "tools/call")
                {
                    calls[i] = calls[i] with { Tool = tools.Label(calls[i].Tool) };
                }
            }
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            // A body that is not JSON is forwarded untouched; it is only counted. InvalidOperationException: a string
            // no string can hold (invalid UTF-8, an escaped lone surrogate), which the tokenizer passes and reading it,
            // as a value or as a property name compared with one of ours, refuses.
            calls.Clear();
        }

        if (calls.Count == 0)
        {
            calls.Add(Malformed);
        }

        return calls;
    }

    private static readonly McpCall Malformed = new(McpMethods.Malformed, "", null);

    private static readonly McpCall ClientResponse = new(McpMethods.Response, "", null);

    // RFC 8259 lets a parser skip a leading UTF-8 byte order mark, as POST /record does; Utf8JsonReader does not.
    private static ReadOnlySequence<byte> WithoutByteOrderMark(ReadOnlySequence<byte> body)
    {
        var mark = RecordBodyEncoding.Utf8Bom;
        if (body.Length < mark.Length)
        {
            return body;
        }

        Span<byte> start = stackalloc byte[mark.Length];
        body.Slice(0, mark.Length).CopyTo(start);
        return start.SequenceEqual(mark) ? body.Slice(mark.Length) : body;
    }

    /// <summary>
    /// The failures a JSON response reports: for a single response under the key <c>""</c>, for a batch by the raw JSON
    /// text of each response's id; a JSON-RPC error as its code, a tool's own failure (a result with
    /// <c>"isError": true</c>, as MCP reports a tool that ran and failed) as null. Null when there is none or the body is
    /// not JSON.
    /// </summary>
    public static Dictionary<string, int?>? ReadErrors(ReadOnlySpan<byte> body)
    {
        if (body.IsEmpty || (body.IndexOf("\"error\""u8) < 0 && !SaysIsErrorTrue(body)))
        {
            return null;
        }

        var errors = new Dictionary<string, int?>(StringComparer.Ordinal);
        try
        {
            var reader = new Utf8JsonReader(body.StartsWith(RecordBodyEncoding.Utf8Bom) ? body[RecordBodyEncoding.Utf8Bom.Length..] : body);
            using var document = JsonDocument.ParseValue(ref reader);
            var root = document.RootElement;
            if (root.ValueKind == JsonValueKind.Object && Failure(root, out int? code))
            {
                errors[""] = code;
            }
            else if (root.ValueKind == JsonValueKind.Array)
            {
                foreach (var response in root.EnumerateArray())
                {
                    if (response.ValueKind == JsonValueKind.Object && Failure(response, out int? itemCode) && response.TryGetProperty("id", out var id))
                    {
                        errors[id.GetRawText()] = itemCode;
                    }
                }
            }
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            // An upstream that labels a broken body as JSON, or one with a member name no string can hold (looking up
            // "error" or "id" among its members refuses it): nothing to count, and the response is already on its way.
            return null;
        }

        return errors.Count > 0 ? errors : null;
    }

    /// <summary>Reads one message whose first token the reader is on, leaving the reader on its last token.</summary>
    private static McpCall ReadCall(ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            reader.Skip();
            return Malformed;
        }

        string? method = null;
        string? tool = null;
        string? id = null;
        bool answers = false;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("result"u8) || reader.ValueTextEquals("error"u8))
            {
                answers = true;
                reader.Read();
                reader.Skip();
            }
            else if (reader.ValueTextEquals("method"u8))
            {
                reader.Read();
                method = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
            }
            else if (reader.ValueTextEquals("id"u8))
            {
                reader.Read();
                id = reader.TokenType switch
                {
                    JsonTokenType.Number => RawText(ref reader),
                    JsonTokenType.String => "\"" + RawText(ref reader) + "\"",
                    _ => null,
                };
            }
            else if (reader.ValueTextEquals("params"u8))
            {
                reader.Read();
                tool = ReadToolName(ref reader);
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }

        if (method is null)
        {
            // A client's answer to the server's own request is JSON-RPC too (a review saw each counted malformed). Its
            // id is the server's, not one the server answers: it is matched with nothing. Anything else keeps its id,
            // which the server's error for it carries (a review saw that error counted ok).
            return answers ? ClientResponse : id is null ? Malformed : Malformed with { Id = id };
        }

        // The tool's raw name for now: ReadCalls labels it once the whole body has been read.
        string label = McpMethods.Label(method);
        return new McpCall(label, label == "tools/call" ? tool ?? "" : "", id);
    }

    /// <summary>The <c>name</c> member of a <c>params</c> object, skipping the rest; the reader ends on the value's last token.</summary>
    private static string? ReadToolName(ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            reader.Skip();
            return null;
        }

        string? name = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            bool isName = reader.ValueTextEquals("name"u8);
            reader.Read();
            if (isName && reader.TokenType == JsonTokenType.String)
            {
                name = reader.GetString();
            }
            else
            {
                reader.Skip();
            }
        }

        return name;
    }

    /// <summary>
    /// The token's text as it stands in the body (a string's without its quotes, escapes kept), as the ids of the
    /// response are compared (<see cref="JsonElement.GetRawText"/>); also when it lies across two buffer segments, where
    /// <see cref="Utf8JsonReader.ValueSpan"/> is empty.
    /// </summary>
    private static string RawText(ref Utf8JsonReader reader) =>
        reader.HasValueSequence ? Encoding.UTF8.GetString(reader.ValueSequence) : Encoding.UTF8.GetString(reader.ValueSpan);

    /// <summary>
    /// Whether the text holds <c>"isError"</c> followed by <c>true</c>: a server that always sends <c>"isError": false</c>
    /// (an SDK's default) would otherwise have every tool result parsed whole (a review).
    /// </summary>
    private static bool SaysIsErrorTrue(ReadOnlySpan<byte> body)
    {
        ReadOnlySpan<byte> key = "\"isError\""u8;
        ReadOnlySpan<byte> space = " \t\r\n"u8;
        while (true)
        {
            int at = body.IndexOf(key);
            if (at < 0)
            {
                return false;
            }

            body = body[(at + key.Length)..];
            var rest = body.TrimStart(space);
            if (rest.StartsWith(":"u8) && rest[1..].TrimStart(space).StartsWith("true"u8))
            {
                return true;
            }
        }
    }

    /// <summary>Whether the response reports a failure: a JSON-RPC error (its code) or a tool's (null).</summary>
    private static bool Failure(JsonElement response, out int? code)
    {
        if (response.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.Object)
        {
            code = error.TryGetProperty("code", out var value) && value.TryGetInt32(out int number) ? number : 0;
            return true;
        }

        code = null;
        return response.TryGetProperty("result", out var result) && result.ValueKind == JsonValueKind.Object
            && result.TryGetProperty("isError", out var isError) && isError.ValueKind == JsonValueKind.True;
    }
}
