using MetricCollector.Exposition;

namespace MetricCollector.Gateway.Exposition;

/// <summary><c>GET /metrics</c>: the whole registry, in the format the scraper's <c>Accept</c> header asks for.</summary>
internal static class MetricsEndpoint
{
    public static Task HandleAsync(HttpContext context, IMetricCollector collector)
    {
        var format = MetricsContentTypes.Negotiate(context.Request.Headers.Accept);
        context.Response.ContentType = MetricsContentTypes.Of(format);
        return collector.WriteExpositionAsync(context.Response.Body, format, context.RequestAborted);
    }
}
