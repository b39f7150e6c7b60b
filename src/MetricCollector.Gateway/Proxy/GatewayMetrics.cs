using System.Runtime.CompilerServices;
using MetricCollector.Collector;
using Microsoft.Extensions.Options;
using Prometheus;
using Yarp.ReverseProxy.Model;

namespace MetricCollector.Gateway.Proxy;

/// <summary>
/// The gateway's own metrics, in the collector so that one <c>/metrics</c> exposes them with the pushed ones: counters
/// and gauges in its prometheus-net registry, histograms in its own store (<see cref="HostHistogram"/>), whose every
/// scrape shows a series' buckets, count and sum from one moment. Handles are resolved once; per-route and
/// per-destination series are cached against YARP's own route and destination objects, which a configuration reload
/// replaces, so stale entries go with them.
/// </summary>
internal sealed class GatewayMetrics
{
    /// <summary>The <c>route</c> label of requests no route matched.</summary>
    public const string UnmatchedRoute = "unmatched";

    private readonly ConditionalWeakTable<RouteModel, RouteMetrics> _routes = new();
    private readonly ConditionalWeakTable<DestinationState, HostHistogramChild> _upstream = new();
    private readonly ConditionalWeakTable<RouteModel, RouteMetrics>.CreateValueCallback _createRoute;

    // No dependency on YARP's state here: YARP's client factory needs this class while YARP's state is being built.
    public GatewayMetrics(PrometheusMetricCollector collector, IOptions<GatewayInstrumentationOptions> options)
    {
        var factory = collector.Factory;
        double[] buckets = options.Value.EffectiveDurationBuckets;
        Requests = factory.CreateCounter(
            "gateway_requests_total",
            "Requests through the proxy, by route, cluster, method and status code, including those the gateway answered itself.",
            ["route", "cluster", "method", "code"]);
        Duration = collector.CreateHostHistogram(
            "gateway_request_duration_seconds",
            "Whole time a request spent at the gateway, from arrival to the end of the response.",
            ["route", "cluster", "method", "code"],
            buckets);
        UpstreamDuration = collector.CreateHostHistogram(
            "gateway_upstream_duration_seconds",
            "Time from sending a request to the upstream until its response headers arrived.",
            ["cluster", "destination"],
            buckets);
        InFlight = factory.CreateGauge(
            "gateway_requests_in_flight",
            "Requests the proxy is handling now.",
            ["route", "cluster"]);
        UpstreamErrors = factory.CreateCounter(
            "gateway_upstream_errors_total",
            "Requests the proxy could not complete with the upstream, by YARP forwarder error.",
            ["route", "cluster", "error"]);
        DestinationHealthy = factory.CreateGauge(
            "gateway_destination_healthy",
            "1 when the destination's active and passive health checks do not find it unhealthy, else 0.",
            ["cluster", "destination"]);
        Unmatched = new RouteMetrics(this, UnmatchedRoute, "");
        _createRoute = route => new RouteMetrics(this, route.Config.RouteId, route.Cluster?.ClusterId ?? route.Config.ClusterId ?? "");
    }

    public Counter Requests { get; }

    public HostHistogram Duration { get; }

    public HostHistogram UpstreamDuration { get; }

    public Gauge InFlight { get; }

    public Counter UpstreamErrors { get; }

    public Gauge DestinationHealthy { get; }

    /// <summary>The series of requests that matched no route (<c>route="unmatched"</c>, <c>cluster=""</c>).</summary>
    public RouteMetrics Unmatched { get; }

    public RouteMetrics For(RouteModel route) => _routes.GetValue(route, _createRoute);

    public HostHistogramChild UpstreamFor(string cluster, DestinationState destination) =>
        _upstream.TryGetValue(destination, out var series) ? series : CreateUpstream(cluster, destination);

    // Apart from UpstreamFor: a lambda capturing a parameter allocates its closure when the method is entered, so in
    // UpstreamFor itself every proxied request would pay for it, found series or not.
    private HostHistogramChild CreateUpstream(string cluster, DestinationState destination) =>
        _upstream.GetValue(destination, d => UpstreamDuration.WithLabels(cluster, d.DestinationId));
}
