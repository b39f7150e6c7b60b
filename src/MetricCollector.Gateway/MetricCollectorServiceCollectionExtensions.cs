using MetricCollector;
using MetricCollector.Collector;
using MetricCollector.Gateway.Hosting;
using MetricCollector.Gateway.Persistence;
using MetricCollector.Gateway.Recording;
using MetricCollector.Gateway.Security;
using MetricCollector.Persistence;
using MetricCollector.Recording;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the metric collector in a host.</summary>
public static class MetricCollectorServiceCollectionExtensions
{
    /// <summary>
    /// Adds the collector (a registry and store of its own), its options bound from the <c>MetricCollector</c>
    /// section and validated at start-up, and what <c>MapMetricCollector</c> needs.
    /// </summary>
    /// <param name="services">The host's services.</param>
    /// <param name="configure">Changes the options after configuration was bound.</param>
    /// <returns>The same services, for chaining.</returns>
    public static IServiceCollection AddMetricCollector(this IServiceCollection services, Action<MetricCollectorOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = services.AddOptions<MetricCollectorOptions>()
            .BindStrictly(MetricCollectorOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<MetricCollectorOptions>, MetricCollectorOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<PrometheusMetricCollector>();
        services.TryAddSingleton<IMetricCollector>(sp => sp.GetRequiredService<PrometheusMetricCollector>());
        services.TryAddSingleton<RecordIngestion>();
        services.TryAddSingleton<CollectorSnapshots>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, SnapshotHostedService>());
        // Strict: a misspelled key setting (ComponnetId) would silently widen what the key may write.
        services.AddOptions<GatewayAuthOptions>().BindStrictly(GatewayAuthOptions.SectionName).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IPostConfigureOptions<GatewayAuthOptions>, GatewayAuthKeysFileSetup>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<GatewayAuthOptions>, GatewayAuthOptionsValidator>());
        services.TryAddSingleton<ApiKeyAuthenticator>();
        services.TryAddSingleton<IdempotencyCache>();
        services.TryAddSingleton<RecordEndpoint>();
        return services;
    }
}
