using System.Net;
using System.Text;
using System.Text.Json;
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
        Assert.Equal("GET, HEAD, DELETE", string.Join(", ", putMetrics.Content.Headers.Allow));
        Assert.Equal("upstream", await other.Content.ReadAsStringAsync());
        Assert.Single(_upstream.LogEntries);
    }

    /// <summary>
    /// Routing matches a path with an empty segment only to a catch-all route: //record was forwarded to the upstream
    /// (a reviewer's finding). With the slashes merged, the gateway answers its own paths however many slashes lead
    /// them, and other paths are forwarded as they were written.
    /// </summary>
    [Fact]
    public async Task The_gateways_own_paths_written_with_repeated_slashes_are_answered_by_the_gateway_not_forwarded()
    {
        Uri At(string path) => new(_gateway.Client.BaseAddress!.GetLeftPart(UriPartial.Authority) + path);

        using var record = await _gateway.Client.PostAsync(At("//record"), new StringContent("""{"metric_name":"slashes","metric_type":"counter"}""", Encoding.UTF8, "application/json"));
        using var metrics = await _gateway.Client.GetAsync(At("///metrics"));
        using var live = await _gateway.Client.GetAsync(At("//healthz/"));
        using var delete = await _gateway.Client.DeleteAsync(At("//metrics//never_pushed"));
        // Decoded once, by Kestrel, as with one slash: the name is slashes%5Ftotal, not slashes_total.
        using var encoded = await _gateway.Client.DeleteAsync(At("//metrics/slashes%255Ftotal"));
        using var wrongMethod = await _gateway.Client.GetAsync(At("//record"));
        using var other = await _gateway.Client.GetAsync(At("//anything//else"));

        Assert.Equal(HttpStatusCode.Accepted, record.StatusCode);
        Assert.Contains("slashes_total 1", await metrics.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, delete.StatusCode);
        Assert.Contains("urn:metric-collector:problem:unknown_metric", await delete.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, encoded.StatusCode);
        Assert.Equal(1, MetricsText.Value(await _gateway.MetricsAsync(), "slashes_total"));
        Assert.Equal(HttpStatusCode.MethodNotAllowed, wrongMethod.StatusCode);
        Assert.Equal("upstream", await other.Content.ReadAsStringAsync());
        Assert.Equal("//anything//else", Assert.Single(_upstream.LogEntries).RequestMessage.AbsolutePath);
    }

    [Theory]
    [InlineData("/record", null)]
    [InlineData("//record", "/record")]
    [InlineData("//RECORD/", "/RECORD/")]
    [InlineData("/metrics//a_metric", "/metrics/a_metric")]
    [InlineData("//metrics//a//b", null)]
    [InlineData("//readyz", "/readyz")]
    [InlineData("//recording", null)]
    [InlineData("//", null)]
    [InlineData(null, null)]
    public void Repeated_slashes_are_merged_only_for_the_gateways_own_paths(string? path, string? expected) =>
        Assert.Equal(expected, ReservedPaths.WithSlashesMerged(path));

    [Theory]
    [InlineData("POST", "/healthz", "GET, HEAD")]
    [InlineData("DELETE", "/healthz", "GET, HEAD")]
    [InlineData("PUT", "/healthz", "GET, HEAD")]
    [InlineData("POST", "/readyz", "GET, HEAD")]
    [InlineData("DELETE", "/readyz", "GET, HEAD")]
    [InlineData("POST", "/metrics", "GET, HEAD, DELETE")]
    [InlineData("GET", "/record", "POST")]
    [InlineData("HEAD", "/record", "POST")]
    [InlineData("GET", "/metrics/some_metric", "DELETE")]
    [InlineData("HEAD", "/metrics/some_metric", "DELETE")]
    [InlineData("POST", "/metrics/some_metric", "DELETE")]
    [InlineData("PUT", "/metrics/some_metric", "DELETE")]
    [InlineData("PATCH", "/metrics/some_metric", "DELETE")]
    public async Task The_gateways_own_paths_answer_other_methods_with_405_and_Allow(string method, string path, string allow)
    {
        using var response = await _gateway.Client.SendAsync(new HttpRequestMessage(new HttpMethod(method), path));

        await AssertMethodNotAllowedAsync(response, method, allow);
        Assert.Empty(_upstream.LogEntries);
        string metrics = await _gateway.MetricsAsync();
        Assert.Equal(1, MetricsText.Value(metrics, $$"""gateway_requests_total{route="unmatched",cluster="",method="{{method}}",code="405"}"""));
    }

    [Fact]
    public async Task DELETE_of_a_metric_is_answered_by_the_gateway_under_a_catch_all_route()
    {
        using var response = await _gateway.Client.DeleteAsync("/metrics/never_pushed");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("urn:metric-collector:problem:unknown_metric", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Empty(_upstream.LogEntries);
    }

    [Fact]
    public async Task Without_a_catch_all_route_the_gateways_own_paths_answer_other_methods_with_405_too()
    {
        // The shipped routes: none of them matches /metrics/..., so routing alone would answer 404. One gateway for
        // every case: each one started watches files, and the machine's inotify instances are few.
        await using var gateway = await RunningGateway.StartAsync();
        (string Method, string Path, string Allow)[] cases =
        [
            ("GET", "/metrics/some_metric", "DELETE"),
            ("POST", "/metrics/some_metric", "DELETE"),
            ("PUT", "/metrics", "GET, HEAD, DELETE"),
            ("GET", "/record", "POST"),
        ];

        foreach (var (method, path, allow) in cases)
        {
            using var response = await gateway.Client.SendAsync(new HttpRequestMessage(new HttpMethod(method), path));
            await AssertMethodNotAllowedAsync(response, method, allow);
        }

        string metrics = await gateway.MetricsAsync();
        Assert.Equal(2, MetricsText.Value(metrics, """gateway_requests_total{route="unmatched",cluster="",method="GET",code="405"}"""));
        Assert.Equal(1, MetricsText.Value(metrics, """gateway_requests_total{route="unmatched",cluster="",method="POST",code="405"}"""));
        Assert.Equal(1, MetricsText.Value(metrics, """gateway_requests_total{route="unmatched",cluster="",method="PUT",code="405"}"""));
        Assert.Null(MetricsText.Value(metrics, """gateway_requests_total{route="unmatched",cluster="",method="GET",code="404"}"""));
    }

    private static async Task AssertMethodNotAllowedAsync(HttpResponseMessage response, string method, string allow)
    {
        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
        Assert.Equal(allow, string.Join(", ", response.Content.Headers.Allow));
        if (method == "HEAD")
        {
            Assert.Empty(await response.Content.ReadAsByteArrayAsync());
            return;
        }

        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("urn:metric-collector:problem:method_not_allowed", problem.RootElement.GetProperty("type").GetString());
        Assert.Equal(405, problem.RootElement.GetProperty("status").GetInt32());
        Assert.Equal("method", problem.RootElement.GetProperty("field").GetString());
        Assert.Contains(allow, problem.RootElement.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/healthz")]
    [InlineData("/readyz")]
    public async Task HEAD_on_a_health_endpoint_answers_as_GET_does_without_a_body(string path)
    {
        using var response = await _gateway.Client.SendAsync(new HttpRequestMessage(HttpMethod.Head, path));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Empty(await response.Content.ReadAsByteArrayAsync());
        Assert.Empty(_upstream.LogEntries);
    }

    [Theory]
    [InlineData(null, "text/plain; version=0.0.4; charset=utf-8")]
    [InlineData("application/openmetrics-text", "application/openmetrics-text; version=1.0.0; charset=utf-8")]
    public async Task HEAD_on_metrics_answers_200_with_the_negotiated_headers_and_no_body(string? accept, string contentType)
    {
        using var request = new HttpRequestMessage(HttpMethod.Head, "/metrics");
        if (accept is not null)
        {
            request.Headers.TryAddWithoutValidation("Accept", accept);
        }

        using var response = await _gateway.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(contentType, response.Content.Headers.ContentType!.ToString());
        Assert.Empty(await response.Content.ReadAsByteArrayAsync());
        // A HEAD writes no exposition, so it is no scrape: the one counted is the GET that reads the count.
        string metrics = await _gateway.MetricsAsync();
        Assert.Contains("metric_collector_scrapes_total{format=\"text\"} 1\n", metrics, StringComparison.Ordinal);
        Assert.Contains("metric_collector_scrapes_total{format=\"openmetrics\"} 0\n", metrics, StringComparison.Ordinal);
        Assert.Empty(_upstream.LogEntries);
    }

    [Theory]
    [InlineData("/{**catch-all}", "/record, /metrics, /healthz, /readyz, /metrics/{name}")]
    [InlineData("/{segment}", "/record, /metrics, /healthz, /readyz")]
    [InlineData("/metrics", "/metrics")]
    [InlineData("/metrics/{**rest}", "/metrics, /metrics/{name}")]
    [InlineData("/metrics/{id:int}", "/metrics/{name}")]
    [InlineData(null, "/record, /metrics, /healthz, /readyz, /metrics/{name}")]
    [InlineData("/router/{**rest}", "")]
    [InlineData("/records", "")]
    public void Routes_that_would_shadow_reserved_paths_are_found(string? path, string shadowed)
    {
        var route = new RouteConfig { RouteId = "r", ClusterId = "c", Match = new RouteMatch { Path = path, Hosts = path is null ? ["example.com"] : null } };

        Assert.Equal(shadowed, string.Join(", ", RouteConfigGuard.ShadowedBy(route)));
    }
}
