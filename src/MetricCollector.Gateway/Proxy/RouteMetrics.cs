using System.Collections.Concurrent;
using Prometheus;
using Yarp.ReverseProxy.Forwarder;

namespace MetricCollector.Gateway.Proxy;

/// <summary>
/// The labelled series of one route, created on first use and cached: a request costs one dictionary lookup on an
/// integer key and allocates nothing once its (method, status) combination has been seen.
/// </summary>
internal sealed class RouteMetrics
{
    private readonly GatewayMetrics _metrics;
    private readonly ConcurrentDictionary<int, RequestSeries> _series = new();
    private readonly Counter.Child?[] _errors = new Counter.Child?[ForwarderErrorLabels.Count];
    private readonly Func<int, RequestSeries> _createSeries;

    public RouteMetrics(GatewayMetrics metrics, string route, string cluster)
    {
        _metrics = metrics;
        Route = route;
        Cluster = cluster;
        InFlight = metrics.InFlight.WithLabels(route, cluster);
        _createSeries = CreateSeries;
    }

    public string Route { get; }

    public string Cluster { get; }

    public Gauge.Child InFlight { get; }

    public void Observe(string method, int status, double seconds)
    {
        int key = (HttpMethodLabels.IndexOf(method) * 1000) + StatusCodeLabels.KeyOf(status);
        var series = _series.GetOrAdd(key, _createSeries);
        series.Requests.Inc();
        series.Duration.Observe(seconds);
    }

    public void CountError(ForwarderError error) =>
        (_errors[(int)error] ??= _metrics.UpstreamErrors.WithLabels(Route, Cluster, ForwarderErrorLabels.NameOf(error))).Inc();

    private RequestSeries CreateSeries(int key)
    {
        string method = HttpMethodLabels.NameOf(key / 1000);
        string code = StatusCodeLabels.NameOf(key % 1000);
        return new RequestSeries(
            _metrics.Requests.WithLabels(Route, Cluster, method, code),
            _metrics.Duration.WithLabels(Route, Cluster, method, code));
    }
}
