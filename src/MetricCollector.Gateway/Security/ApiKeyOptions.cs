namespace MetricCollector.Gateway.Security;

/// <summary>One API key, as configured under <c>Gateway:Auth:Keys</c> or in the keys file.</summary>
public sealed class ApiKeyOptions
{
    /// <summary>The secret, sent as <c>Authorization: Bearer &lt;key&gt;</c>; at least 16 characters.</summary>
    public string Key { get; set; } = "";

    /// <summary>
    /// The component the key belongs to. When set, every record pushed with the key carries this value in the
    /// <see cref="GatewayAuthOptions.ComponentLabel"/> label, and a record claiming another value is refused (403).
    /// </summary>
    public string? ComponentId { get; set; }

    /// <summary>What the key may do; <see cref="ApiKeyRole.Record"/> when none are given.</summary>
#pragma warning disable CA1819, CA2227 // Bound from configuration.
    public List<ApiKeyRole> Roles { get; set; } = [];
#pragma warning restore CA1819, CA2227

    // Where the key was written (its Gateway:Auth:Keys path, or the keys file and its index there), for the validator's
    // messages. A field: the binder takes any property, internal too, as a setting one could give.
    internal string? Origin;
}
