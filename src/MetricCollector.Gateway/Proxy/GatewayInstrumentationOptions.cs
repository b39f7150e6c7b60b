namespace MetricCollector.Gateway.Proxy;

/// <summary>Settings of the proxy's auto-instrumentation, bound from the <c>Gateway:Instrumentation</c> section.</summary>
public sealed class GatewayInstrumentationOptions
{
    /// <summary>The configuration section these options are bound from.</summary>
    public const string SectionName = "Gateway:Instrumentation";

    /// <summary>The duration buckets used when none are configured: 1 ms to 60 s, dense where a gateway's latencies lie.</summary>
    public static IReadOnlyList<double> DefaultDurationBuckets { get; } = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

    /// <summary>
    /// Buckets of <c>gateway_request_duration_seconds</c>, <c>gateway_upstream_duration_seconds</c> and
    /// <c>gateway_mcp_request_duration_seconds</c>, in seconds; null for <see cref="DefaultDurationBuckets"/>.
    /// </summary>
    /// <remarks>
    /// Null by default because the configuration binder overwrites an array's elements index by index: configured
    /// buckets would otherwise be followed by the rest of the defaults.
    /// </remarks>
#pragma warning disable CA1819 // Bound from configuration.
    public double[]? DurationBuckets { get; set; }
#pragma warning restore CA1819

    /// <summary>The configured buckets, or the defaults.</summary>
    internal double[] EffectiveDurationBuckets => DurationBuckets ?? [.. DefaultDurationBuckets];
}
