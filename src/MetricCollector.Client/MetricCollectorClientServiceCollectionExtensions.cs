using MetricCollector.Client;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the <see cref="MetricCollectorClient"/> in a host.</summary>
public static class MetricCollectorClientServiceCollectionExtensions
{
    /// <summary>
    /// Adds a singleton <see cref="MetricCollectorClient"/>, its options bound from the <c>MetricCollectorClient</c>
    /// section and validated at start-up, its named <see cref="HttpClient"/>, and a hosted service that flushes it when
    /// the host stops: <c>services.AddMetricCollectorClient(o =&gt; o.Endpoint = new Uri("http://metric-collector-gateway.metric-collector"))</c>.
    /// Call it before registering the hosted services that record: the host stops hosted services in reverse order of
    /// registration, so they then stop before the client, whose final flush sends what they record while stopping.
    /// </summary>
    /// <param name="services">The host's services.</param>
    /// <param name="configure">Changes the options after configuration was bound.</param>
    /// <returns>
    /// The builder of the client's <see cref="HttpClient"/>, to add handlers or settings. The factory's per-request
    /// logging is removed from it; <c>AddDefaultLogger()</c> on it adds that back.
    /// </returns>
    public static IHttpClientBuilder AddMetricCollectorClient(this IServiceCollection services, Action<MetricCollectorClientOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        // Bound when the host has a configuration; a bare service collection (a console tool, a test) works without one.
        // Strict: a misspelled setting (Endpont) fails the start naming it instead of leaving the default in place.
        var options = services.AddOptions<MetricCollectorClientOptions>()
            .Configure<IServiceProvider>((o, sp) => sp.GetService<IConfiguration>()?.GetSection(MetricCollectorClientOptions.SectionName).Bind(o, b => b.ErrorOnUnknownConfiguration = true))
            .ValidateOnStart();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<MetricCollectorClientOptions>, MetricCollectorClientOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(sp => new MetricCollectorClient(
            sp.GetRequiredService<IOptions<MetricCollectorClientOptions>>(),
            sp.GetRequiredService<IHttpClientFactory>(),
            sp.GetRequiredService<ILogger<MetricCollectorClient>>(),
            sp.GetRequiredService<TimeProvider>()));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, MetricCollectorClientLifetime>());
        // Each attempt has its own timeout in the resilience pipeline; HttpClient's 100 s must not cut across it.
        // The factory's default logging writes four Information lines per request, several a second from a flush every
        // second, more in an outage: the client logs its own lines instead, rate-limited. AddDefaultLogger() on the
        // returned builder brings them back.
        return services.AddHttpClient(MetricCollectorClient.HttpClientName, client => client.Timeout = Timeout.InfiniteTimeSpan)
            .RemoveAllLoggers();
    }
}
