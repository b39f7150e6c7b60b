namespace MetricCollector.Gateway.Mcp;

/// <summary>The JSON-RPC methods of the MCP specification (2025-06-18); anything else is labelled <c>other</c>.</summary>
internal static class McpMethods
{
    public const string Other = "other";
    public const string Unparsed = "unparsed";
    public const string Malformed = "malformed";

    /// <summary>A client's answer to a request of the server's (<c>sampling/createMessage</c>, <c>roots/list</c>, ...): a result or an error, no method.</summary>
    public const string Response = "response";

    private static readonly HashSet<string> Known = new(StringComparer.Ordinal)
    {
        "initialize", "ping", "tools/list", "tools/call", "resources/list", "resources/templates/list", "resources/read",
        "resources/subscribe", "resources/unsubscribe", "prompts/list", "prompts/get", "completion/complete",
        "logging/setLevel", "sampling/createMessage", "roots/list", "elicitation/create",
        "notifications/initialized", "notifications/cancelled", "notifications/progress", "notifications/message",
        "notifications/resources/updated", "notifications/resources/list_changed", "notifications/tools/list_changed",
        "notifications/prompts/list_changed", "notifications/roots/list_changed",
    };

    /// <summary>The label for <paramref name="method"/>: itself when the specification names it (the interned set's copy), else <c>other</c>.</summary>
    public static string Label(string? method) =>
        method is not null && Known.TryGetValue(method, out string? known) ? known : Other;
}
