using Yarp.ReverseProxy.Configuration;

namespace MetricCollector.Gateway.Proxy;

/// <summary>
/// Refuses a destination whose address is not an absolute http or https URL: YARP would accept it and answer every
/// request with 502. At start the gateway stops naming it; on a reload YARP refuses the whole new config and keeps the one
/// it had, and <see cref="ProxyConfigReloadLog"/> logs this message.
/// </summary>
internal sealed class DestinationAddressFilter : IProxyConfigFilter
{
    public ValueTask<ClusterConfig> ConfigureClusterAsync(ClusterConfig cluster, CancellationToken cancel)
    {
        foreach (var (id, destination) in cluster.Destinations ?? new Dictionary<string, DestinationConfig>())
        {
            if (!Uri.TryCreate(destination.Address, UriKind.Absolute, out var address) || (address.Scheme != Uri.UriSchemeHttp && address.Scheme != Uri.UriSchemeHttps))
            {
                throw new InvalidOperationException(
                    $"ReverseProxy:Clusters:{cluster.ClusterId}:Destinations:{id}:Address (cluster '{cluster.ClusterId}', destination '{id}') is '{destination.Address}', which is not an absolute http or https URL such as http://10.0.0.5:8080/.");
            }
        }

        return ValueTask.FromResult(cluster);
    }

    public ValueTask<RouteConfig> ConfigureRouteAsync(RouteConfig route, ClusterConfig? cluster, CancellationToken cancel) => ValueTask.FromResult(route);
}
