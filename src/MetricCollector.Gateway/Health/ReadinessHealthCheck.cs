using MetricCollector.Gateway.Hosting;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Yarp.ReverseProxy;

namespace MetricCollector.Gateway.Health;

/// <summary>
/// Readiness: the gateway has started, loaded its proxy configuration and is not shutting down. Unhealthy backends do
/// not make it unready: it still serves the other routes, <c>/record</c> and <c>/metrics</c>. Once the host starts to
/// stop it answers "stopping"; with <c>Gateway:Server:ShutdownDelay</c> set, Kestrel keeps accepting connections for
/// that long, so probes see the 503 (without it, new connections are refused at once and only a probe already being
/// handled gets it).
/// </summary>
internal sealed class ReadinessHealthCheck(IHostApplicationLifetime lifetime, ShutdownDelayService shutdown, IProxyStateLookup proxyState) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (!lifetime.ApplicationStarted.IsCancellationRequested)
        {
            return Task.FromResult(HealthCheckResult.Unhealthy("starting"));
        }

        // Both: a signal sets ApplicationStopping before the host stops; the host's StopAsync runs the delay first.
        if (lifetime.ApplicationStopping.IsCancellationRequested || shutdown.IsStopping)
        {
            return Task.FromResult(HealthCheckResult.Unhealthy("stopping"));
        }

        int routes = proxyState.GetRoutes().Count();
        return Task.FromResult(HealthCheckResult.Healthy($"{routes} routes loaded"));
    }
}
