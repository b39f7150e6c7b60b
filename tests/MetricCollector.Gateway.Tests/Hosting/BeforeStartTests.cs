using MetricCollector.Gateway.Tests.Proxy;
using Yarp.ReverseProxy;

namespace MetricCollector.Gateway.Tests.Hosting;

/// <summary>
/// The callback <see cref="GatewayApplication.StartAsync"/> takes runs before the proxy configuration loads, so a log
/// provider it adds hears the first round of health probes, which YARP starts as the configuration loads. A failing
/// destination's first probe is logged once and then only once a minute: added later, the provider could miss it (a
/// refused connection fails within a millisecond), as HealthProbeLogTests once did in CI.
/// </summary>
public sealed class BeforeStartTests
{
    [Fact]
    public async Task The_callback_runs_before_the_proxy_configuration_loads()
    {
        using var dead = RefusedPort.Hold();
        using var config = new ProxyConfigFile();
        config.Route("dead", "dead", "/dead/{**rest}").Cluster("dead", dead.Url).Write();
        int? clustersSeenBeforeStart = null;

        var app = await GatewayApplication.StartAsync(
            ["--urls", "http://127.0.0.1:0", "--proxy-config", config.Path],
            built => clustersSeenBeforeStart = built.Services.GetRequiredService<IProxyStateLookup>().GetClusters().Count());
        try
        {
            Assert.Equal(0, clustersSeenBeforeStart);
            Assert.Single(app.Services.GetRequiredService<IProxyStateLookup>().GetClusters());
        }
        finally
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }
}
