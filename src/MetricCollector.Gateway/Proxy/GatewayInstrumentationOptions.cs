using System.ComponentModel.DataAnnotations;

namespace MetricCollector.Gateway.Proxy;

/// <summary>Settings of the proxy's auto-instrumentation, bound from the <c>Gateway:Instrumentation</c> section.</summary>
public sealed class GatewayInstrumentationOptions
{
    /// <summary>The configuration section these options are bound from.</summary>
    public const string SectionName = "Gateway:Instrumentation";

    /// <summary>
    /// Buckets of <c>gateway_request_duration_seconds</c> and <c>gateway_upstream_duration_seconds</c>, in seconds: 1 ms
    /// to 60 s by default, dense where a gateway's latencies lie.
    /// </summary>
    /// <remarks>An array, so that configuration replaces the defaults rather than appending to them.</remarks>
#pragma warning disable CA1819 // Bound from configuration, which replaces arrays whole.
    [Required]
    [MinLength(1)]
    public double[] DurationBuckets { get; set; } = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];
#pragma warning restore CA1819
}
