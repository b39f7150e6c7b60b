using System.Collections.Concurrent;
using System.Globalization;
using MetricCollector.Collector;
using Prometheus;

namespace MetricCollector.Gateway.Mcp;

/// <summary>The MCP series of one route, created on first use and cached by their label values.</summary>
internal sealed class McpRoute(McpMetrics metrics, string route, McpToolLabels tools)
{
    private readonly ConcurrentDictionary<(string Method, string Tool, string Outcome), Counter.Child> _requests = new();
    private readonly ConcurrentDictionary<(string Method, string Tool), HostHistogramChild> _durations = new();
    private readonly ConcurrentDictionary<(string Method, int Code), Counter.Child> _errors = new();

    public McpToolLabels Tools { get; } = tools;

    public void Count(McpCall call, string outcome, double secondsToHeaders)
    {
        var key = (call.Method, call.Tool, outcome);
        if (!_requests.TryGetValue(key, out var requests))
        {
            requests = _requests.GetOrAdd(key, k => metrics.Requests.WithLabels(route, k.Method, k.Tool, k.Outcome));
        }

        requests.Inc();
        var durationKey = (call.Method, call.Tool);
        if (!_durations.TryGetValue(durationKey, out var duration))
        {
            duration = _durations.GetOrAdd(durationKey, k => metrics.Duration.WithLabels(route, k.Method, k.Tool));
        }

        duration.Observe(secondsToHeaders);
    }

    /// <summary>Counts a JSON-RPC error by its code: the specification's codes and the server range as they are, others as <c>other</c>.</summary>
    public void CountError(McpCall call, int code)
    {
        int bounded = code is (>= -32768 and <= -32000) ? code : 0;
        var key = (call.Method, bounded);
        if (!_errors.TryGetValue(key, out var errors))
        {
            errors = _errors.GetOrAdd(key, k => metrics.JsonRpcErrors.WithLabels(route, k.Method, k.Code == 0 ? McpMethods.Other : k.Code.ToString(CultureInfo.InvariantCulture)));
        }

        errors.Inc();
    }
}
