using System.Diagnostics;
using Yarp.ReverseProxy.Forwarder;
using Yarp.ReverseProxy.Model;

namespace MetricCollector.Gateway.Proxy;

/// <summary>
/// First step of the proxy pipeline: counts and times every proxied request by route, cluster, method and final
/// status (also 502/503/504 that YARP answers itself), tracks requests in flight, and counts forwarder errors.
/// A request the client gave up on before any response was sent is labelled 499 (nginx's "client closed request"),
/// not the 400 YARP sets: a hung backend whose clients time out must not look like clients sending bad requests.
/// </summary>
internal sealed class GatewayInstrumentationMiddleware(RequestDelegate next, GatewayMetrics metrics, UpstreamErrorLog errorLog)
{
    /// <summary>The <c>code</c> label of a request whose client went away before a response was sent.</summary>
    internal const int ClientClosedRequest = 499;

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
            var error = context.Features.Get<IForwarderErrorFeature>();
            int status = context.Response.StatusCode;
            if (!context.Response.HasStarted && (context.RequestAborted.IsCancellationRequested || IsClientCancel(error)))
            {
                status = ClientClosedRequest;
            }

            route.Observe(context.Request.Method, status, Stopwatch.GetElapsedTime(start).TotalSeconds);
            if (error is { Error: not ForwarderError.None })
            {
                route.CountError(error.Error);
                errorLog.Failed(route, error);
            }
        }
    }

    // YARP's errors for a client that cancelled or went away (it answers them 400 when nothing was sent yet).
    private static bool IsClientCancel(IForwarderErrorFeature? error) =>
        error?.Error is ForwarderError.RequestCanceled or ForwarderError.RequestBodyCanceled or ForwarderError.ResponseBodyCanceled;
}
