namespace MetricCollector.Exposition;

/// <summary>The exposition formats <c>GET /metrics</c> can answer in.</summary>
public enum MetricsFormat
{
    /// <summary>Prometheus text format 0.0.4 (<c>text/plain; version=0.0.4</c>), the default.</summary>
    PrometheusText,

    /// <summary>OpenMetrics 1.0 (<c>application/openmetrics-text; version=1.0.0</c>), what a Prometheus server asks for.</summary>
    OpenMetrics,
}
