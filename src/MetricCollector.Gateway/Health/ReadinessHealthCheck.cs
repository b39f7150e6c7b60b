using Microsoft.Extensions.Diagnostics.HealthChecks;
using Yarp.ReverseProxy;

namespace MetricCollector.Gateway.Health;

/// <summary>
/// Readiness: the gateway has started, loaded its proxy configuration and is not shutting down. Unhealthy backends do
/// not make it unready: it still serves the other routes, <c>/record</c> and <c>/metrics</c>.
/// </summary>
internal sealed class ReadinessHealthCheck(IHostApplicationLifetime lifetime, IProxyStateLookup proxyState) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (!lifetime.ApplicationStarted.IsCancellationRequested)
        {
            return Task.FromResult(HealthCheckResult.Unhealthy("starting"));
        }

        if (lifetime.ApplicationStopping.IsCancellationRequested)
        {
            return Task.FromResult(HealthCheckResult.Unhealthy("stopping"));
        }

        int routes = proxyState.GetRoutes().Count();
        return Task.FromResult(HealthCheckResult.Healthy($"{routes} routes loaded"));
    }
}
