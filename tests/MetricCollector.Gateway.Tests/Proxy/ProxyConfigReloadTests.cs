using System.Net;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace MetricCollector.Gateway.Tests.Proxy;

/// <summary>Editing the proxy-config file changes the routes of a running gateway, without a restart.</summary>
public sealed class ProxyConfigReloadTests : IAsyncLifetime
{
    private readonly WireMockServer _upstream = WireMockServer.Start();
    private readonly ProxyConfigFile _config = new();
    private RunningGateway _gateway = null!;

    public async Task InitializeAsync()
    {
        _upstream.Given(Request.Create().UsingAnyMethod()).RespondWith(Response.Create().WithStatusCode(200).WithBody("upstream"));
        _config.Route("router", "request-router", "/router/{**rest}").Cluster("request-router", _upstream.Url!).Write();
        _gateway = await RunningGateway.StartAsync("--proxy-config", _config.Path);
    }

    public async Task DisposeAsync()
    {
        await _gateway.DisposeAsync();
        _upstream.Dispose();
        _config.Dispose();
    }

    [Fact]
    public async Task A_route_added_to_the_file_starts_forwarding_without_a_restart()
    {
        using (var before = await _gateway.Client.GetAsync("/reports/daily"))
        {
            Assert.Equal(HttpStatusCode.NotFound, before.StatusCode);
        }

        _config.Route("reports", "request-router", "/reports/{**rest}").Write();

        bool forwarded = await Poll.UntilAsync(async () =>
        {
            using var response = await _gateway.Client.GetAsync("/reports/daily");
            return response.StatusCode == HttpStatusCode.OK;
        });

        Assert.True(forwarded);
        string metrics = await _gateway.MetricsAsync();
        Assert.Equal(1, MetricsText.Value(metrics, """gateway_requests_total{route="reports",cluster="request-router",method="GET",code="200"}"""));
        using var old = await _gateway.Client.GetAsync("/router/x");
        Assert.Equal(HttpStatusCode.OK, old.StatusCode);
    }
}
