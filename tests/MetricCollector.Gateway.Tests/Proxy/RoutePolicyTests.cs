using System.Net;
using MetricCollector.Gateway.Hosting;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace MetricCollector.Gateway.Tests.Proxy;

/// <summary>
/// Route policies the gateway lets through (the anonymous authorization policy, policies that ask for nothing; any
/// other authorization policy is refused at start, see StartupFailureTests), and requests a route refuses by its
/// methods (no route of this request: 404, counted as unmatched).
/// </summary>
public sealed class RoutePolicyTests : IAsyncLifetime
{
    private readonly WireMockServer _upstream = WireMockServer.Start();
    private readonly ProxyConfigFile _config = new();
    private RunningGateway _gateway = null!;

    public async Task InitializeAsync()
    {
        _upstream.Given(Request.Create().UsingAnyMethod()).RespondWith(Response.Create().WithStatusCode(200).WithBody("upstream"));
        _config
            .Route("open", "c", "/open/{**rest}", extra: "\"AuthorizationPolicy\": \"anonymous\"")
            .Route("post-only", "c", "/submit", methods: "\"POST\"")
            .Route("no-policies", "c", "/none/{**rest}", extra: "\"TimeoutPolicy\": \"Disable\", \"RateLimiterPolicy\": \"disable\", \"CorsPolicy\": \"\", \"OutputCachePolicy\": \"\"")
            .Cluster("c", _upstream.Url!)
            .Write();
        _gateway = await RunningGateway.StartAsync("--proxy-config", _config.Path);
    }

    public async Task DisposeAsync()
    {
        await _gateway.DisposeAsync();
        _upstream.Dispose();
        _config.Dispose();
    }

    [Fact]
    public async Task A_route_with_the_anonymous_authorization_policy_forwards_and_is_counted()
    {
        using var open = await _gateway.Client.GetAsync("/open/page");

        Assert.Equal(HttpStatusCode.OK, open.StatusCode);
        Assert.Equal("/open/page", Assert.Single(_upstream.LogEntries).RequestMessage.Path);
        Assert.Contains("gateway_requests_total{route=\"open\",cluster=\"c\",method=\"GET\",code=\"200\"} 1", await _gateway.Client.GetStringAsync("/metrics"), StringComparison.Ordinal);
    }

    /// <summary>
    /// Route settings the gateway refuses (it runs no middleware for them) are let through when they ask for nothing:
    /// empty names, which YARP ignores, and "Disable" for a timeout or rate limiter policy (a review found them refused).
    /// </summary>
    [Fact]
    public async Task A_route_whose_policies_ask_for_nothing_loads_and_forwards()
    {
        using var response = await _gateway.Client.GetAsync("/none/page");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("/none/page", Assert.Single(_upstream.LogEntries).RequestMessage.Path);
    }

    [Fact]
    public void The_authorization_middleware_runs_for_endpoints_that_ask_for_it_and_only_those()
    {
        static Endpoint With(params object[] metadata) => new(static _ => Task.CompletedTask, new EndpointMetadataCollection(metadata), "test");

        Assert.True(RouteAuthorization.RequiresAuthorization(With(new AuthorizeAttribute())));
        Assert.True(RouteAuthorization.RequiresAuthorization(With(new AuthorizeAttribute("some-policy"))));
        Assert.True(RouteAuthorization.RequiresAuthorization(With(new AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build())));
        Assert.True(RouteAuthorization.RequiresAuthorization(With(new AllowAnonymousAttribute(), new AuthorizeAttribute())));
        Assert.False(RouteAuthorization.RequiresAuthorization(With(new AllowAnonymousAttribute())));
        Assert.False(RouteAuthorization.RequiresAuthorization(With("route metadata")));
        Assert.False(RouteAuthorization.RequiresAuthorization(null));
    }

    [Fact]
    public async Task A_method_no_route_serves_and_a_file_like_path_get_404_problem_details_counted_as_unmatched()
    {
        using var wrongMethod = await _gateway.Client.GetAsync("/submit");
        using var post = await _gateway.Client.PostAsync("/submit", new StringContent("x"));
        using var fileLike = await _gateway.Client.GetAsync("/favicon.ico");

        Assert.Equal(HttpStatusCode.NotFound, wrongMethod.StatusCode);
        Assert.Equal("application/problem+json", wrongMethod.Content.Headers.ContentType!.MediaType);
        Assert.Equal(HttpStatusCode.OK, post.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, fileLike.StatusCode);
        Assert.Equal("application/problem+json", fileLike.Content.Headers.ContentType!.MediaType);
        string metrics = await _gateway.MetricsAsync();
        Assert.Equal(2, MetricsText.Value(metrics, """gateway_requests_total{route="unmatched",cluster="",method="GET",code="404"}"""));
        Assert.Equal(1, MetricsText.Value(metrics, """gateway_requests_total{route="post-only",cluster="c",method="POST",code="200"}"""));
    }
}
