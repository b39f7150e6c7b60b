using Yarp.ReverseProxy;
using Yarp.ReverseProxy.Model;

namespace MetricCollector.Gateway.Proxy;

/// <summary>
/// Sets <c>gateway_destination_healthy</c> before each scrape from YARP's health state: 1 unless the active or the
/// passive health check, where the cluster has it on, finds the destination unhealthy (a destination not yet probed
/// counts as healthy, as YARP routes to it), and removes the series of destinations a config reload took away.
/// </summary>
internal sealed class DestinationHealthExporter(IProxyStateLookup proxyState, GatewayMetrics metrics, IMetricCollector collector) : IHostedService
{
    private readonly Dictionary<(string Cluster, string Destination), bool> _exported = [];

    public Task StartAsync(CancellationToken cancellationToken)
    {
        collector.Registry.AddBeforeCollectCallback(Export);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private void Export()
    {
        lock (_exported)
        {
            foreach (var key in _exported.Keys)
            {
                _exported[key] = false;
            }

            foreach (var cluster in proxyState.GetClusters())
            {
                // As YARP's HealthyAndUnknown policy reads them: a check a reload turned off leaves its last verdict on
                // the destination, which YARP then ignores and so must the metric (it stayed 0 for a destination in use).
                var checks = cluster.Model.Config.HealthCheck;
                bool activeOn = checks?.Active?.Enabled == true;
                bool passiveOn = checks?.Passive?.Enabled == true;
                foreach (var destination in cluster.Destinations.Values)
                {
                    var health = destination.Health;
                    bool healthy = (!activeOn || health.Active != DestinationHealth.Unhealthy) && (!passiveOn || health.Passive != DestinationHealth.Unhealthy);
                    metrics.DestinationHealthy.WithLabels(cluster.ClusterId, destination.DestinationId).Set(healthy ? 1 : 0);
                    _exported[(cluster.ClusterId, destination.DestinationId)] = true;
                }
            }

            foreach (var (key, present) in _exported)
            {
                if (!present)
                {
                    metrics.DestinationHealthy.RemoveLabelled(key.Cluster, key.Destination);
                    _exported.Remove(key);
                }
            }
        }
    }
}
