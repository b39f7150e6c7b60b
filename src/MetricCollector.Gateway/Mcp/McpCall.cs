namespace MetricCollector.Gateway.Mcp;

/// <summary>One JSON-RPC message of a request body, as labelled in the metrics.</summary>
/// <param name="Method">The method label (a specification method, <c>other</c>, <c>unparsed</c> or <c>malformed</c>).</param>
/// <param name="Tool">For <c>tools/call</c>: the tool label; otherwise empty.</param>
/// <param name="Id">The request id as raw JSON text, or null for a notification.</param>
internal readonly record struct McpCall(string Method, string Tool, string? Id);
