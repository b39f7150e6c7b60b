using Yarp.ReverseProxy.Forwarder;

namespace MetricCollector.Gateway.Proxy;

/// <summary>YARP's client factory with <see cref="UpstreamTimingHandler"/> around each cluster's handler.</summary>
internal sealed class InstrumentedForwarderHttpClientFactory(GatewayMetrics metrics, IHttpContextAccessor contextAccessor, ILogger<ForwarderHttpClientFactory> logger)
    : ForwarderHttpClientFactory(logger)
{
    protected override HttpMessageHandler WrapHandler(ForwarderHttpClientContext context, HttpMessageHandler handler) =>
        new UpstreamTimingHandler(context.ClusterId, metrics, contextAccessor) { InnerHandler = base.WrapHandler(context, handler) };
}
