namespace MetricCollector.Gateway.Security;

/// <summary>What a key may do.</summary>
public enum ApiKeyRole
{
    /// <summary>Push records to <c>POST /record</c>.</summary>
    Record,

    /// <summary>Scrape <c>GET /metrics</c> when <see cref="GatewayAuthOptions.RequireForMetrics"/> is set.</summary>
    Scrape,

    /// <summary>Delete series and wipe the collector.</summary>
    Admin,
}
