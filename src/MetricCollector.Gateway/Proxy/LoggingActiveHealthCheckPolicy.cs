using Yarp.ReverseProxy.Health;
using Yarp.ReverseProxy.Model;

namespace MetricCollector.Gateway.Proxy;

/// <summary>
/// Wraps each of YARP's active health-check policies, under the same name, so that <see cref="HealthProbeLog"/> sees
/// every round of probes with its errors: YARP offers no other place to hear of a failed probe than its own log line.
/// </summary>
internal sealed class LoggingActiveHealthCheckPolicy(IActiveHealthCheckPolicy inner, HealthProbeLog log) : IActiveHealthCheckPolicy
{
    public string Name => inner.Name;

    public void ProbingCompleted(ClusterState cluster, IReadOnlyList<DestinationProbingResult> probingResults)
    {
        inner.ProbingCompleted(cluster, probingResults);
        log.Completed(cluster, probingResults);
    }

    /// <summary>Replaces every registered <see cref="IActiveHealthCheckPolicy"/> with itself around the original.</summary>
    public static void Decorate(IServiceCollection services)
    {
        for (int i = 0; i < services.Count; i++)
        {
            var descriptor = services[i];
            if (descriptor.ServiceType != typeof(IActiveHealthCheckPolicy) || descriptor.IsKeyedService
                || descriptor.ImplementationType == typeof(LoggingActiveHealthCheckPolicy))
            {
                continue;
            }

            services[i] = ServiceDescriptor.Describe(
                typeof(IActiveHealthCheckPolicy),
                sp => new LoggingActiveHealthCheckPolicy(Create(sp, descriptor), sp.GetRequiredService<HealthProbeLog>()),
                descriptor.Lifetime);
        }
    }

    private static IActiveHealthCheckPolicy Create(IServiceProvider services, ServiceDescriptor descriptor) =>
        (IActiveHealthCheckPolicy)(descriptor.ImplementationInstance
            ?? descriptor.ImplementationFactory?.Invoke(services)
            ?? ActivatorUtilities.CreateInstance(services, descriptor.ImplementationType!));
}
