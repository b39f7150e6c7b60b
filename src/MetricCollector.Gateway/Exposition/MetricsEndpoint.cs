using MetricCollector.Exposition;
using MetricCollector.Gateway.Security;

namespace MetricCollector.Gateway.Exposition;

/// <summary>
/// <c>GET /metrics</c>: all the collector holds, in the format the scraper's <c>Accept</c> header asks for;
/// <c>HEAD /metrics</c>: the same status and headers (authentication included), no body.
/// </summary>
internal static class MetricsEndpoint
{
    public static Task HandleAsync(HttpContext context, IMetricCollector collector, ApiKeyAuthenticator auth)
    {
        if (auth.RequireForMetrics)
        {
            var access = auth.Authenticate(context, ApiKeyRole.Scrape, "metrics");
            if (access.Failure is not null)
            {
                return ProblemResponse.WriteAuthFailureAsync(context, access);
            }
        }

        var format = MetricsFormatNegotiation.Choose(context.Request.Headers.Accept);
        context.Response.ContentType = MetricsContentTypes.Of(format);
        if (HttpMethods.IsHead(context.Request.Method))
        {
            // The headers a GET gets and no body: no exposition is written (Kestrel would discard it), nor counted.
            return Task.CompletedTask;
        }

        return collector.WriteExpositionAsync(context.Response.Body, format, context.RequestAborted);
    }
}
