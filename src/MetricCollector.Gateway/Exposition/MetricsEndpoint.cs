using System.IO.Compression;
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
        var response = context.Response;
        response.ContentType = MetricsContentTypes.Of(format);
        response.Headers.Vary = "Accept, Accept-Encoding";
        bool gzip = MetricsFormatNegotiation.AcceptsGzip(context.Request.Headers.AcceptEncoding);
        if (gzip)
        {
            response.Headers.ContentEncoding = "gzip";
        }

        if (HttpMethods.IsHead(context.Request.Method))
        {
            // The headers a GET gets and no body: no exposition is written (Kestrel would discard it), nor counted.
            return Task.CompletedTask;
        }

        return gzip ? WriteGzipAsync(context, collector, format) : collector.WriteExpositionAsync(response.Body, format, context.RequestAborted);
    }

    // Prometheus asks for gzip on every scrape: an exposition of 100k series is ~3.8 MB as text and a tenth of that
    // compressed. The fastest level: most of the gain for a fraction of the CPU of the default one.
    private static async Task WriteGzipAsync(HttpContext context, IMetricCollector collector, MetricsFormat format)
    {
        await using var compressed = new GZipStream(context.Response.Body, CompressionLevel.Fastest, leaveOpen: true);
        await collector.WriteExpositionAsync(compressed, format, context.RequestAborted);
    }
}
