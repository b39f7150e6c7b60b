using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using MetricCollector.Collector;
using Microsoft.Extensions.Options;
using Prometheus;
using Yarp.ReverseProxy.Model;

namespace MetricCollector.Gateway.Mcp;

/// <summary>
/// The MCP metrics, in the collector (the histogram in its own store, see <see cref="HostHistogram"/>), and which routes
/// carry MCP. The tool names a route has given labels to are kept by route id, not with YARP's route object: a reload
/// replaces that object, and a fresh budget on each one would let every ConfigMap update add MaxTools more series.
/// They are kept when a reload removes the route, as its series are: a fresh budget after each removal let a route
/// removed and added back twice show three times MaxTools tool series (a review).
/// </summary>
internal sealed class McpMetrics
{
    /// <summary>Route metadata key: <c>"true"</c> or <c>"false"</c> overrides whether a route is read as MCP.</summary>
    public const string RouteMetadataKey = "Mcp";

    private static readonly McpRoute NotMcp = new(null!, "", null!);

    private readonly ConditionalWeakTable<RouteModel, McpRoute> _routes = new();
    private readonly ConditionalWeakTable<RouteModel, McpRoute>.CreateValueCallback _createRoute;
    private readonly ConcurrentDictionary<string, McpToolLabels> _tools = new(StringComparer.OrdinalIgnoreCase);
    private readonly Func<string, McpToolLabels> _createTools;
    private readonly McpInstrumentationOptions _options;

    public McpMetrics(PrometheusMetricCollector collector, IOptions<McpInstrumentationOptions> options, IOptions<Proxy.GatewayInstrumentationOptions> gatewayOptions)
    {
        _options = options.Value;
        var factory = collector.Factory;
        Requests = factory.CreateCounter(
            "gateway_mcp_requests_total",
            "MCP JSON-RPC messages through the proxy, by route, method, tool (tools/call) and outcome (ok, tool_error, jsonrpc_error, http_error, canceled).",
            ["route", "method", "tool", "outcome"]);
        Duration = collector.CreateHostHistogram(
            "gateway_mcp_request_duration_seconds",
            "Time from an MCP request's arrival until the response headers were sent; an event stream left open does not count.",
            ["route", "method", "tool"],
            gatewayOptions.Value.EffectiveDurationBuckets);
        JsonRpcErrors = factory.CreateCounter(
            "gateway_mcp_jsonrpc_errors_total",
            "JSON-RPC error objects in MCP JSON responses, by route, method and error code.",
            ["route", "method", "code"]);
        _createRoute = CreateRoute;
        _createTools = _ => new McpToolLabels(_options);
    }

    public Counter Requests { get; }

    public HostHistogram Duration { get; }

    public Counter JsonRpcErrors { get; }

    public McpInstrumentationOptions Options => _options;

    /// <summary>The MCP series of a route, or null when the route does not carry MCP.</summary>
    public McpRoute? For(RouteModel route)
    {
        var mcp = _routes.GetValue(route, _createRoute);
        return ReferenceEquals(mcp, NotMcp) ? null : mcp;
    }

    private McpRoute CreateRoute(RouteModel route)
    {
        var config = route.Config;
        bool isMcp = config.Metadata is { } metadata && metadata.TryGetValue(RouteMetadataKey, out string? flag) && bool.TryParse(flag, out bool explicitFlag)
            ? explicitFlag
            // The cluster YARP resolved, whose id is as the cluster declares it: YARP finds a route's ClusterId ignoring
            // case, so "Core-MCP-Server" reaches core-mcp-server, and was not read as MCP when its text was compared.
            : string.Equals(route.Cluster?.ClusterId ?? config.ClusterId, _options.Cluster, StringComparison.Ordinal);
        return isMcp ? new McpRoute(this, config.RouteId, _tools.GetOrAdd(config.RouteId, _createTools)) : NotMcp;
    }
}
