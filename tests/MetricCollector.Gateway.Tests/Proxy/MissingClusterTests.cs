using System.Net;
using Microsoft.Extensions.Logging;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace MetricCollector.Gateway.Tests.Proxy;

/// <summary>A route whose ClusterId names no cluster: warned about at start and on reload, and its 503s are counted.</summary>
public sealed class MissingClusterTests : IAsyncLifetime
{
    private readonly WireMockServer _upstream = WireMockServer.Start();
    private readonly ProxyConfigFile _config = new();
    private readonly CapturedLogs _logs = new();
    private RunningGateway _gateway = null!;

    public async Task InitializeAsync()
    {
        _upstream.Given(Request.Create().UsingAnyMethod()).RespondWith(Response.Create().WithStatusCode(200));
        _config
            .Route("router", "request-router", "/router/{**rest}")
            .Route("ghost-route", "ghost", "/ghost/{**rest}")
            .Cluster("request-router", _upstream.Url!)
            .Write();
        _gateway = await RunningGateway.StartAsync(_logs, "--proxy-config", _config.Path);
    }

    public async Task DisposeAsync()
    {
        await _gateway.DisposeAsync();
        _upstream.Dispose();
        _config.Dispose();
        _logs.Dispose();
    }

    private List<string> MissingClusterWarnings() =>
        [.. _logs.Entries.Where(e => e.Level == LogLevel.Warning && e.Message.Contains("no such cluster", StringComparison.Ordinal)).Select(e => e.Message)];

    [Fact]
    public void A_route_naming_a_missing_cluster_is_warned_about_at_start()
    {
        string warning = Assert.Single(MissingClusterWarnings());
        Assert.Contains("'ghost-route'", warning, StringComparison.Ordinal);
        Assert.Contains("'ghost'", warning, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_503s_of_a_route_without_its_cluster_are_counted_by_route_and_the_missing_cluster_id()
    {
        for (int i = 0; i < 2; i++)
        {
            using var response = await _gateway.Client.GetAsync("/ghost/x");
            Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        }

        using (var post = await _gateway.Client.PostAsync("/ghost/y", new StringContent("{}")))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, post.StatusCode);
        }

        using (var routed = await _gateway.Client.GetAsync("/router/x"))
        {
            Assert.Equal(HttpStatusCode.OK, routed.StatusCode);
        }

        string metrics = await _gateway.MetricsAsync();
        Assert.Equal(2, MetricsText.Value(metrics, """gateway_requests_total{route="ghost-route",cluster="ghost",method="GET",code="503"}"""));
        Assert.Equal(1, MetricsText.Value(metrics, """gateway_requests_total{route="ghost-route",cluster="ghost",method="POST",code="503"}"""));
        Assert.Equal(2, MetricsText.Value(metrics, """gateway_request_duration_seconds_count{route="ghost-route",cluster="ghost",method="GET",code="503"}"""));
        Assert.Equal(0, MetricsText.Value(metrics, """gateway_requests_in_flight{route="ghost-route",cluster="ghost"}"""));
        Assert.Equal(1, MetricsText.Value(metrics, """gateway_requests_total{route="router",cluster="request-router",method="GET",code="200"}"""));
    }

    [Fact]
    public async Task Requests_of_a_route_without_its_cluster_are_counted_without_a_log_line_each()
    {
        // A client hammering such a route must not write a line per request (YARP's own Information line for each,
        // "Route 'ghost-route' has no cluster information."): the warning at start-up names the route, the metrics count them.
        const int Requests = 50;
        for (int i = 0; i < Requests; i++)
        {
            using var response = await _gateway.Client.GetAsync("/ghost/x");
            Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        }

        string metrics = await _gateway.MetricsAsync();
        Assert.Equal(Requests, MetricsText.Value(metrics, """gateway_requests_total{route="ghost-route",cluster="ghost",method="GET",code="503"}"""));
        Assert.DoesNotContain(_logs.Entries, e => e.Message.Contains("has no cluster information", StringComparison.Ordinal));
        Assert.Single(MissingClusterWarnings());
    }

    [Fact]
    public async Task A_reload_that_leaves_a_route_without_its_cluster_is_warned_about_again()
    {
        _config.Route("phantom-route", "phantom", "/phantom/{**rest}").Write();

        Assert.True(await Poll.UntilAsync(() => Task.FromResult(MissingClusterWarnings().Any(w => w.Contains("'phantom-route'", StringComparison.Ordinal)))));
        using var response = await _gateway.Client.GetAsync("/phantom/x");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        string metrics = await _gateway.MetricsAsync();
        Assert.Equal(1, MetricsText.Value(metrics, """gateway_requests_total{route="phantom-route",cluster="phantom",method="GET",code="503"}"""));
    }
}
