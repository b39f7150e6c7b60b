using MetricCollector.Collector;
using Prometheus;

namespace MetricCollector.Gateway.Proxy;

/// <summary>The two series one (route, method, status) combination writes to, resolved once.</summary>
/// <param name="Requests">Its <c>gateway_requests_total</c> series.</param>
/// <param name="Duration">Its <c>gateway_request_duration_seconds</c> series.</param>
internal readonly record struct RequestSeries(Counter.Child Requests, HostHistogramChild Duration);
