using MetricCollector.Exposition;
using MetricCollector.Gateway.Security;

namespace MetricCollector.Gateway.Exposition;

/// <summary><c>GET /metrics</c>: all the collector holds, in the format the scraper's <c>Accept</c> header asks for.</summary>
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
        return collector.WriteExpositionAsync(context.Response.Body, format, context.RequestAborted);
    }
}
