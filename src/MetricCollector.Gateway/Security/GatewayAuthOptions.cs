namespace MetricCollector.Gateway.Security;

/// <summary>
/// Who may write and read, bound from <c>Gateway:Auth</c>. With no keys configured the endpoints are open (a warning
/// says so at start-up); with keys, <c>POST /record</c> and deletes require one, and <c>GET /metrics</c> too when
/// <see cref="RequireForMetrics"/> is set.
/// </summary>
public sealed class GatewayAuthOptions
{
    /// <summary>The configuration section these options are bound from.</summary>
    public const string SectionName = "Gateway:Auth";

    /// <summary>The keys, from configuration (environment variables or a secrets store in production).</summary>
#pragma warning disable CA2227 // Bound from configuration.
    public List<ApiKeyOptions> Keys { get; set; } = [];
#pragma warning restore CA2227

    /// <summary>A JSON file holding more keys (an array of objects shaped like <see cref="ApiKeyOptions"/>), read at start-up.</summary>
    public string? KeysFile { get; set; }

    /// <summary>Whether <c>GET /metrics</c> requires a key with the <see cref="ApiKeyRole.Scrape"/> role (bearer, or basic auth with the key as password).</summary>
    public bool RequireForMetrics { get; set; }

    /// <summary>The label a component-bound key stamps on its records (default <c>componentId</c>).</summary>
    public string ComponentLabel { get; set; } = "componentId";
}
