namespace MetricCollector.Gateway.Security;

/// <summary>A configured key, kept as its SHA-256 hash so that comparisons take the same time whatever is sent.</summary>
/// <param name="Hash">SHA-256 of the key's UTF-8 bytes.</param>
/// <param name="ComponentId">The component the key is bound to, if any.</param>
/// <param name="Roles">What the key may do.</param>
internal sealed record ApiKey(byte[] Hash, string? ComponentId, IReadOnlySet<ApiKeyRole> Roles)
{
    /// <summary>
    /// What this key's Idempotency-Keys are prefixed with, so that one key cannot replay another's answers; at most
    /// <see cref="global::MetricCollector.Recording.IdempotencyCache.MaxScopeLength"/> characters, or a snapshot's restore would drop its keys.
    /// </summary>
    public string IdempotencyScope { get; } = Convert.ToHexString(Hash, 0, 8) + ":";
}
