using System.Runtime.CompilerServices;
using MetricCollector.Collector;
using Microsoft.Extensions.Options;
using Prometheus;
using Yarp.ReverseProxy.Model;

namespace MetricCollector.Gateway.Mcp;

/// <summary>The MCP metrics, in the collector (the histogram in its own store, see <see cref="HostHistogram"/>), and which routes carry MCP.</summary>
internal sealed class McpMetrics
{
    /// <summary>Route metadata key: <c>"true"</c> or <c>"false"</c> overrides whether a route is read as MCP.</summary>
    public const string RouteMetadataKey = "Mcp";

    private static readonly McpRoute NotMcp = new(null!, "", null!);

    private readonly ConditionalWeakTable<RouteModel, McpRoute> _routes = new();
    private readonly ConditionalWeakTable<RouteModel, McpRoute>.CreateValueCallback _createRoute;
    private readonly McpInstrumentationOptions _options;

    public McpMetrics(PrometheusMetricCollector collector, IOptions<McpInstrumentationOptions> options, IOptions<Proxy.GatewayInstrumentationOptions> gatewayOptions)
    {
        _options = options.Value;
        var factory = collector.Factory;
        Requests = factory.CreateCounter(
            "gateway_mcp_requests_total",
            "MCP JSON-RPC messages through the proxy, by route, method, tool (tools/call) and outcome (ok, jsonrpc_error, http_error).",
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
            : string.Equals(config.ClusterId, _options.Cluster, StringComparison.Ordinal);
        return isMcp ? new McpRoute(this, config.RouteId, new McpToolLabels(_options)) : NotMcp;
    }
}
