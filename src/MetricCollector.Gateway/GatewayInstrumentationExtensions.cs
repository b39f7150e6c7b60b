using MetricCollector.Gateway.Hosting;
using MetricCollector.Gateway.Mcp;
using MetricCollector.Gateway.Proxy;
using MetricCollector.Recording;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Yarp.ReverseProxy.Model;
using Yarp.ReverseProxy.Transforms.Builder;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds the proxy's auto-instrumentation to a YARP host that has the metric collector.</summary>
public static class GatewayInstrumentationExtensions
{
    /// <summary>
    /// Registers the gateway metrics (in the collector, beside pushed ones) and the transforms that time the upstreams.
    /// Requires <c>AddMetricCollector()</c>; add <c>UseGatewayInstrumentation()</c> first in the proxy pipeline.
    /// </summary>
    /// <param name="builder">YARP's builder.</param>
    /// <returns>The same builder, for chaining.</returns>
    public static IReverseProxyBuilder AddGatewayInstrumentation(this IReverseProxyBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        services.AddOptions<GatewayInstrumentationOptions>()
            .BindStrictly(GatewayInstrumentationOptions.SectionName)
            .ValidateDataAnnotations()
            .Validate(o => o.DurationBuckets is null || (o.DurationBuckets.Length > 0 && RecordValidator.BucketsProblem(o.DurationBuckets, out _) is null), "Gateway:Instrumentation:DurationBuckets must be at least one finite bound, each >= 0, strictly increasing.")
            .ValidateOnStart();
        services.TryAddSingleton<GatewayMetrics>();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<UpstreamErrorLog>();
        services.AddOptions<McpInstrumentationOptions>()
            .BindStrictly(McpInstrumentationOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<McpInstrumentationOptions>, McpInstrumentationOptionsValidator>());
        services.TryAddSingleton<McpMetrics>();
        // Once, however often this is called: a second provider would observe every upstream twice.
        services.TryAddEnumerable(ServiceDescriptor.Singleton<ITransformProvider, UpstreamTimingTransformProvider>());
        builder.AddConfigFilter<DestinationAddressFilter>();
        services.TryAddSingleton<HealthProbeLog>();
        // It hears of clusters a reload changes or removes, to forget their destinations.
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IClusterChangeListener, HealthProbeLog>(sp => sp.GetRequiredService<HealthProbeLog>()));
        LoggingActiveHealthCheckPolicy.Decorate(services);
        services.AddHostedService<RouteConfigGuard>();
        services.AddHostedService<DestinationHealthExporter>();
        return builder;
    }
}
