using Microsoft.Extensions.Diagnostics.HealthChecks;
using Yarp.ReverseProxy;

namespace MetricCollector.Gateway.Health;

/// <summary>
/// Readiness: the gateway has started, loaded its proxy configuration and is not shutting down. Unhealthy backends do
/// not make it unready: it still serves the other routes, <c>/record</c> and <c>/metrics</c>. Kestrel stops accepting
/// connections as soon as shutdown begins, so a probe then is refused rather than answered 503; the stopping check
/// only answers a probe that was already being handled.
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
