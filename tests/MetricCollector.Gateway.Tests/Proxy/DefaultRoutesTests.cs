using System.Net;
using System.Text;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace MetricCollector.Gateway.Tests.Proxy;

/// <summary>
/// The default proxy-config with each cluster pointed at a WireMock upstream from the command line, as an operator
/// would: path, query, headers and body reach the right backend, and every request is counted exactly.
/// </summary>
public sealed class DefaultRoutesTests : IAsyncLifetime
{
    private readonly Dictionary<string, WireMockServer> _upstreams = new(StringComparer.Ordinal);
    private RunningGateway _gateway = null!;

    public async Task InitializeAsync()
    {
        var overrides = new List<string>();
        foreach (string cluster in new[] { "request-router", "sandbox-manager", "core-mcp-server" })
        {
            var upstream = WireMockServer.Start();
            upstream.Given(Request.Create().UsingAnyMethod()).AtPriority(100).RespondWith(Response.Create().WithStatusCode(200).WithBody(cluster));
            _upstreams[cluster] = upstream;
            overrides.Add($"--ReverseProxy:Clusters:{cluster}:Destinations:d1:Address={upstream.Url}");
        }

        _upstreams["sandbox-manager"].Given(Request.Create().WithPath("/sandboxes").UsingPost()).AtPriority(1)
            .RespondWith(Response.Create().WithStatusCode(201).WithDelay(TimeSpan.FromMilliseconds(300)).WithBody("allocated"));
        _upstreams["request-router"].Given(Request.Create().WithPath("/router/broken").UsingAnyMethod()).AtPriority(1)
            .RespondWith(Response.Create().WithStatusCode(503));
        // Buckets around the 300 ms WireMock delay, wide enough above it that a busy machine cannot push it out.
        overrides.AddRange(["--Gateway:Instrumentation:DurationBuckets:0=0.1", "--Gateway:Instrumentation:DurationBuckets:1=0.25", "--Gateway:Instrumentation:DurationBuckets:2=5"]);
        _gateway = await RunningGateway.StartAsync([.. overrides]);
    }

    public async Task DisposeAsync()
    {
        await _gateway.DisposeAsync();
        foreach (var upstream in _upstreams.Values)
        {
            upstream.Dispose();
        }
    }

    /// <summary>What reached the upstream through the proxy, without the active health probes.</summary>
    private static List<WireMock.Logging.ILogEntry> Proxied(WireMockServer upstream) =>
        upstream.LogEntries.Where(e => e.RequestMessage.Path != "/health").ToList();

    [Theory]
    [InlineData("request-router", "POST", "/router/v1/route?tenant=a&x=%20y")]
    [InlineData("sandbox-manager", "PUT", "/sandboxes/sb-1/files?path=%2Ftmp")]
    [InlineData("core-mcp-server", "POST", "/mcp?session=s1")]
    public async Task Path_query_headers_and_body_reach_the_clusters_backend(string cluster, string method, string pathAndQuery)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), pathAndQuery)
        {
            Content = new StringContent("""{"jsonrpc":"2.0","id":7,"method":"tools/list"}""", Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("X-Correlation-Id", "corr-42");

        using var response = await _gateway.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(cluster, await response.Content.ReadAsStringAsync());
        var received = Assert.Single(Proxied(_upstreams[cluster])).RequestMessage;
        Assert.Equal(method, received.Method);
        Assert.Equal(new Uri(_gateway.Address, pathAndQuery).PathAndQuery, new Uri(received.AbsoluteUrl).PathAndQuery);
        Assert.Equal("corr-42", received.Headers!["X-Correlation-Id"].Single());
        Assert.Equal("""{"jsonrpc":"2.0","id":7,"method":"tools/list"}""", received.Body);
        foreach (var (other, upstream) in _upstreams)
        {
            if (other != cluster)
            {
                Assert.Empty(Proxied(upstream));
            }
        }
    }

    [Fact]
    public async Task A_known_mix_of_requests_is_counted_exactly_per_route_method_and_code()
    {
        for (int i = 0; i < 5; i++)
        {
            (await _gateway.Client.GetAsync($"/router/items/{i}")).Dispose();
        }

        for (int i = 0; i < 2; i++)
        {
            (await _gateway.Client.PostAsync("/sandboxes", new StringContent("{}", Encoding.UTF8, "application/json"))).Dispose();
        }

        (await _gateway.Client.GetAsync("/sandboxes/sb-1")).Dispose();
        (await _gateway.Client.DeleteAsync("/sandboxes/sb-1")).Dispose();
        (await _gateway.Client.PostAsync("/router/broken", new StringContent(""))).Dispose();
        (await _gateway.Client.PostAsync("/router/broken", new StringContent(""))).Dispose();
        using (var custom = new HttpRequestMessage(new HttpMethod("PURGE"), "/router/cache"))
        {
            (await _gateway.Client.SendAsync(custom)).Dispose();
        }

        string metrics = await _gateway.MetricsAsync();

        Assert.Equal(5, MetricsText.Value(metrics, """gateway_requests_total{route="router",cluster="request-router",method="GET",code="200"}"""));
        Assert.Equal(2, MetricsText.Value(metrics, """gateway_requests_total{route="router",cluster="request-router",method="POST",code="503"}"""));
        Assert.Equal(1, MetricsText.Value(metrics, """gateway_requests_total{route="router",cluster="request-router",method="OTHER",code="200"}"""));
        Assert.Equal(2, MetricsText.Value(metrics, """gateway_requests_total{route="sandbox-allocate",cluster="sandbox-manager",method="POST",code="201"}"""));
        Assert.Equal(1, MetricsText.Value(metrics, """gateway_requests_total{route="sandbox-status",cluster="sandbox-manager",method="GET",code="200"}"""));
        Assert.Equal(1, MetricsText.Value(metrics, """gateway_requests_total{route="sandbox-release",cluster="sandbox-manager",method="DELETE",code="200"}"""));
        Assert.Equal(6, MetricsText.Count(metrics, "gateway_requests_total"));
        Assert.Equal(0, MetricsText.Value(metrics, """gateway_requests_in_flight{route="router",cluster="request-router"}"""));
        Assert.Null(MetricsText.Value(metrics, """gateway_upstream_errors_total{route="router",cluster="request-router",error="request"}"""));

        // The 300 ms WireMock delay lands above the 250 ms bucket and within the 5 s one (the configured buckets), at the
        // gateway and upstream.
        const string Allocate = """route="sandbox-allocate",cluster="sandbox-manager",method="POST",code="201",""";
        Assert.Equal(0, MetricsText.Value(metrics, $$"""gateway_request_duration_seconds_bucket{{{Allocate}}le="0.25"}"""));
        Assert.Equal(2, MetricsText.Value(metrics, $$"""gateway_request_duration_seconds_bucket{{{Allocate}}le="5"}"""));
        Assert.Null(MetricsText.Value(metrics, $$"""gateway_request_duration_seconds_bucket{{{Allocate}}le="0.5"}"""));
        // Upstream time is per destination: only the status and release requests can be below 250 ms.
        Assert.InRange(MetricsText.Value(metrics, """gateway_upstream_duration_seconds_bucket{cluster="sandbox-manager",destination="d1",le="0.25"}""").GetValueOrDefault(), 0, 2);
        Assert.Equal(4, MetricsText.Value(metrics, """gateway_upstream_duration_seconds_bucket{cluster="sandbox-manager",destination="d1",le="5"}"""));
        Assert.Equal(4, MetricsText.Value(metrics, """gateway_upstream_duration_seconds_count{cluster="sandbox-manager",destination="d1"}"""));
    }

    [Fact]
    public async Task Requests_no_route_matches_get_404_problem_details_and_one_bounded_series()
    {
        for (int i = 0; i < 50; i++)
        {
            using var response = await _gateway.Client.GetAsync($"/no/such/{Guid.NewGuid()}/path?{i}");
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
        }

        using (var odd = new HttpRequestMessage(new HttpMethod("BREW"), "/%E2%98%95/" + new string('x', 2000)))
        {
            (await _gateway.Client.SendAsync(odd)).Dispose();
        }

        string metrics = await _gateway.MetricsAsync();
        Assert.Equal(50, MetricsText.Value(metrics, """gateway_requests_total{route="unmatched",cluster="",method="GET",code="404"}"""));
        Assert.Equal(1, MetricsText.Value(metrics, """gateway_requests_total{route="unmatched",cluster="",method="OTHER",code="404"}"""));
        Assert.Equal(2, MetricsText.Count(metrics, "gateway_requests_total"));
        Assert.DoesNotContain("no/such", metrics, StringComparison.Ordinal);
        foreach (var upstream in _upstreams.Values)
        {
            Assert.Empty(Proxied(upstream));
        }
    }
}
