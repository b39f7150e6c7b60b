using System.Diagnostics;
using Yarp.ReverseProxy.Model;

namespace MetricCollector.Gateway.Proxy;

/// <summary>
/// Times the upstream's part of a proxied request: from sending until the response headers arrive (YARP reads headers
/// first and streams the body afterwards, so long or streamed bodies do not distort it).
/// </summary>
internal sealed class UpstreamTimingHandler(string clusterId, GatewayMetrics metrics, IHttpContextAccessor contextAccessor) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        long start = Stopwatch.GetTimestamp();
        var response = await base.SendAsync(request, cancellationToken);
        var destination = contextAccessor.HttpContext?.Features.Get<IReverseProxyFeature>()?.ProxiedDestination;
        if (destination is not null)
        {
            metrics.UpstreamFor(clusterId, destination).Observe(Stopwatch.GetElapsedTime(start).TotalSeconds);
        }

        return response;
    }
}
