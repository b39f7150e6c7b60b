using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace MetricCollector.Gateway.Tests.Proxy;

/// <summary>
/// An upstream can answer any status from 100 to 999, and each became a <c>code</c> series of its own (a review made
/// 800 on one route and method, /metrics from 17 KB to 765 KB). Registered codes keep their number; the rest are
/// counted by class, which the shipped rules' <c>code=~"5.."</c> still matches.
/// </summary>
public sealed class StatusCodeLabelTests : IAsyncLifetime
{
    private readonly WireMockServer _upstream = WireMockServer.Start();
    private readonly ProxyConfigFile _config = new();
    private RunningGateway _gateway = null!;

    public async Task InitializeAsync()
    {
        foreach (int status in new[] { 200, 299, 404, 418, 499, 520, 599, 999 })
        {
            _upstream.Given(Request.Create().WithPath($"/s/{status}")).RespondWith(Response.Create().WithStatusCode(status));
        }

        _config.Route("up", "upstream", "/s/{**rest}").Cluster("upstream", _upstream.Url!).Write();
        _gateway = await RunningGateway.StartAsync("--proxy-config", _config.Path);
    }

    public async Task DisposeAsync()
    {
        await _gateway.DisposeAsync();
        _upstream.Dispose();
        _config.Dispose();
    }

    [Fact]
    public async Task Registered_status_codes_keep_their_number_and_the_others_are_counted_by_class()
    {
        foreach (int status in new[] { 200, 299, 404, 418, 499, 520, 599, 999 })
        {
            // 499 from the upstream too: answered as sent, not taken for a client that went away.
            using var response = await _gateway.Client.GetAsync($"/s/{status}");
            Assert.Equal(status, (int)response.StatusCode);
        }

        string metrics = await _gateway.MetricsAsync();
        double? Count(string code) => MetricsText.Value(metrics, $$"""gateway_requests_total{route="up",cluster="upstream",method="GET",code="{{code}}"}""");

        Assert.Equal(1, Count("200"));
        Assert.Equal(1, Count("2xx"));
        Assert.Equal(1, Count("404"));
        Assert.Equal(1, Count("418"));
        Assert.Equal(1, Count("499"));
        Assert.Equal(2, Count("5xx"));
        Assert.Equal(1, Count("9xx"));
        Assert.Null(Count("299"));
        Assert.Null(Count("599"));
    }
}
