using System.Net;
using System.Text;
using MetricCollector.Gateway.Proxy;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;
using Yarp.ReverseProxy.Configuration;

namespace MetricCollector.Gateway.Tests.Proxy;

/// <summary>The gateway's own endpoints are never forwarded, even under a catch-all route.</summary>
public sealed class ReservedPathTests : IAsyncLifetime
{
    private readonly WireMockServer _upstream = WireMockServer.Start();
    private readonly ProxyConfigFile _config = new();
    private RunningGateway _gateway = null!;

    public async Task InitializeAsync()
    {
        _upstream.Given(Request.Create().UsingAnyMethod()).RespondWith(Response.Create().WithStatusCode(200).WithBody("upstream"));
        _config.Route("everything", "request-router", "/{**catch-all}", order: -100).Cluster("request-router", _upstream.Url!).Write();
        _gateway = await RunningGateway.StartAsync("--proxy-config", _config.Path);
    }

    public async Task DisposeAsync()
    {
        await _gateway.DisposeAsync();
        _upstream.Dispose();
        _config.Dispose();
    }

    [Fact]
    public async Task A_catch_all_route_gets_everything_but_the_gateways_own_endpoints()
    {
        using var record = await _gateway.Client.PostAsync("/record", new StringContent("""{"metric_name":"a","metric_type":"counter"}""", Encoding.UTF8, "application/json"));
        using var metrics = await _gateway.Client.GetAsync("/metrics");
        using var live = await _gateway.Client.GetAsync("/healthz");
        using var ready = await _gateway.Client.GetAsync("/readyz");
        using var wrongMethod = await _gateway.Client.GetAsync("/record");
        using var putMetrics = await _gateway.Client.PutAsync("/metrics", new StringContent(""));
        using var other = await _gateway.Client.GetAsync("/anything/else");

        Assert.Equal(HttpStatusCode.Accepted, record.StatusCode);
        Assert.Contains("a_total 1", await metrics.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.Equal(HttpStatusCode.MethodNotAllowed, wrongMethod.StatusCode);
        Assert.Equal(HttpStatusCode.MethodNotAllowed, putMetrics.StatusCode);
        Assert.Equal("GET, DELETE", string.Join(", ", putMetrics.Content.Headers.Allow));
        Assert.Equal("upstream", await other.Content.ReadAsStringAsync());
        Assert.Single(_upstream.LogEntries);
    }

    [Theory]
    [InlineData("/{**catch-all}", "/record, /metrics, /healthz, /readyz")]
    [InlineData("/{segment}", "/record, /metrics, /healthz, /readyz")]
    [InlineData("/metrics", "/metrics")]
    [InlineData(null, "/record, /metrics, /healthz, /readyz")]
    [InlineData("/router/{**rest}", "")]
    [InlineData("/records", "")]
    public void Routes_that_would_shadow_reserved_paths_are_found(string? path, string shadowed)
    {
        var route = new RouteConfig { RouteId = "r", ClusterId = "c", Match = new RouteMatch { Path = path, Hosts = path is null ? ["example.com"] : null } };

        Assert.Equal(shadowed, string.Join(", ", ReservedPathGuard.ShadowedBy(route)));
    }
}
