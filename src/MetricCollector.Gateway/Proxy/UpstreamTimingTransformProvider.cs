using System.Diagnostics;
using Yarp.ReverseProxy.Transforms;
using Yarp.ReverseProxy.Transforms.Builder;

namespace MetricCollector.Gateway.Proxy;

/// <summary>
/// Times the upstream's part of every proxied request: from its request transform (YARP's own header transforms,
/// added after every provider's, still run after it: microseconds) until the response headers have arrived (YARP reads headers first and streams the body afterwards, so long or
/// streamed bodies do not distort it). Health probes use the same client but no transforms, so they are not counted.
/// </summary>
/// <remarks>
/// Transforms see the request's <c>HttpContext</c> and so its destination. A handler in YARP's client would need
/// <c>IHttpContextAccessor</c> for that, whose <c>AsyncLocal</c> makes every await of every request carry an
/// execution context: about a sixth of the CPU of a proxied request in bench/proxy/run.sh.
/// </remarks>
internal sealed class UpstreamTimingTransformProvider(GatewayMetrics metrics) : ITransformProvider
{
    public void ValidateRoute(TransformRouteValidationContext context)
    {
    }

    public void ValidateCluster(TransformClusterValidationContext context)
    {
    }

    public void Apply(TransformBuilderContext context)
    {
        context.AddRequestTransform(static transform =>
        {
            transform.HttpContext.Features.Set(new UpstreamStart(Stopwatch.GetTimestamp()));
            return ValueTask.CompletedTask;
        });
        context.AddResponseTransform(transform =>
        {
            // No response: the upstream failed, which the instrumentation middleware counts as an error instead.
            if (transform.ProxyResponse is not null && transform.HttpContext.Features.Get<UpstreamStart>() is { } start)
            {
                var proxy = transform.HttpContext.GetReverseProxyFeature();
                if (proxy.ProxiedDestination is { } destination)
                {
                    // The cluster's id as its state holds it, as the request series and the health gauge take it: a
                    // reload that changes only its case keeps the state, and the config's new text split the labels.
                    string cluster = proxy.Route.Cluster?.ClusterId ?? proxy.Cluster.Config.ClusterId;
                    metrics.UpstreamFor(cluster, destination).Observe(Stopwatch.GetElapsedTime(start.Timestamp).TotalSeconds);
                }
            }

            return ValueTask.CompletedTask;
        });
    }
}
