using System.Diagnostics;
using Yarp.ReverseProxy.Forwarder;
using Yarp.ReverseProxy.Model;

namespace MetricCollector.Gateway.Proxy;

/// <summary>
/// First step of the proxy pipeline: counts and times every proxied request by route, cluster, method and final
/// status (also 502/503/504 that YARP answers itself), tracks requests in flight, and counts forwarder errors.
/// </summary>
internal sealed class GatewayInstrumentationMiddleware(RequestDelegate next, GatewayMetrics metrics, UpstreamErrorLog errorLog)
{
    public async Task InvokeAsync(HttpContext context)
    {
        var route = metrics.For(context.GetReverseProxyFeature().Route);
        long start = Stopwatch.GetTimestamp();
        route.InFlight.Inc();
        try
        {
            await next(context);
        }
        finally
        {
            route.InFlight.Dec();
            route.Observe(context.Request.Method, context.Response.StatusCode, Stopwatch.GetElapsedTime(start).TotalSeconds);
            if (context.Features.Get<IForwarderErrorFeature>() is { Error: not ForwarderError.None } error)
            {
                route.CountError(error.Error);
                errorLog.Failed(route, error);
            }
        }
    }
}
