namespace MetricCollector.Exposition;

/// <summary>The <c>Content-Type</c> of each <see cref="MetricsFormat"/>, and the choice of format from an <c>Accept</c> header.</summary>
public static class MetricsContentTypes
{
    /// <summary>Content type of the Prometheus text format 0.0.4.</summary>
    public const string PrometheusText = "text/plain; version=0.0.4; charset=utf-8";

    /// <summary>Content type of OpenMetrics 1.0.</summary>
    public const string OpenMetrics = "application/openmetrics-text; version=1.0.0; charset=utf-8";

    /// <summary>The content type of <paramref name="format"/>.</summary>
    public static string Of(MetricsFormat format) => format == MetricsFormat.OpenMetrics ? OpenMetrics : PrometheusText;

    /// <summary>
    /// OpenMetrics when the <c>Accept</c> header names <c>application/openmetrics-text</c> (as a Prometheus server's
    /// does, whatever its q-values), otherwise the Prometheus text format.
    /// </summary>
    public static MetricsFormat Negotiate(string? accept) =>
        accept is not null && accept.Contains("application/openmetrics-text", StringComparison.OrdinalIgnoreCase)
            ? MetricsFormat.OpenMetrics
            : MetricsFormat.PrometheusText;
}
