namespace MetricCollector.Exposition;

/// <summary>
/// The <c>Content-Type</c> of each <see cref="MetricsFormat"/>. The host chooses the format from the <c>Accept</c>
/// header (the gateway's <c>MetricsFormatNegotiation</c>, which parses it with ASP.NET's header parsers).
/// </summary>
public static class MetricsContentTypes
{
    /// <summary>Content type of the Prometheus text format 0.0.4.</summary>
    public const string PrometheusText = "text/plain; version=0.0.4; charset=utf-8";

    /// <summary>Content type of OpenMetrics 1.0.</summary>
    public const string OpenMetrics = "application/openmetrics-text; version=1.0.0; charset=utf-8";

    /// <summary>The content type of <paramref name="format"/>.</summary>
    public static string Of(MetricsFormat format) => format == MetricsFormat.OpenMetrics ? OpenMetrics : PrometheusText;
}
