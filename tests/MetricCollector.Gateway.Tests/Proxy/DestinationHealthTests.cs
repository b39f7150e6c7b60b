using System.Net;
using MetricCollector.Gateway.Proxy;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace MetricCollector.Gateway.Tests.Proxy;

/// <summary>A destination that fails its active health probes is marked unhealthy and loses its traffic.</summary>
public sealed class DestinationHealthTests : IAsyncLifetime
{
    private readonly WireMockServer _healthy = WireMockServer.Start();
    private readonly WireMockServer _sick = WireMockServer.Start();
    private const string DeadClusterHealthCheck = """
        "HealthCheck": { "Active": { "Enabled": true, "Interval": "00:00:01", "Timeout": "00:00:05", "Policy": "ConsecutiveFailures", "Path": "/health" } },
        "Metadata": { "ConsecutiveFailuresHealthPolicy.Threshold": "1" }
        """;

    private readonly ProxyConfigFile _config = new();
    private readonly RefusedPort _deadPanic = RefusedPort.Hold();
    private readonly RefusedPort _deadStrict = RefusedPort.Hold();
    private readonly CapturedLogs _logs = new();
    private RunningGateway _gateway = null!;

    public async Task InitializeAsync()
    {
        _healthy.Given(Request.Create().UsingAnyMethod()).RespondWith(Response.Create().WithStatusCode(200).WithBody("healthy"));
        _sick.Given(Request.Create().WithPath("/health")).RespondWith(Response.Create().WithStatusCode(500));
        _sick.Given(Request.Create().WithPath("/work/*")).RespondWith(Response.Create().WithStatusCode(200).WithBody("sick"));
        _config
            .Route("work", "sandbox-manager", "/work/{**rest}")
            .Cluster("sandbox-manager", [_healthy.Url!, _sick.Url!], """
                "LoadBalancingPolicy": "RoundRobin",
                "HealthCheck": { "Active": { "Enabled": true, "Interval": "00:00:01", "Timeout": "00:00:05", "Policy": "ConsecutiveFailures", "Path": "/health" } },
                "Metadata": { "ConsecutiveFailuresHealthPolicy.Threshold": "1" }
                """)
            .Route("panic", "dead-panic", "/panic/{**rest}")
            .Route("strict", "dead-strict", "/strict/{**rest}")
            .Cluster("dead-panic", _deadPanic.Url, DeadClusterHealthCheck)
            .Cluster("dead-strict", _deadStrict.Url, DeadClusterHealthCheck.Replace("\"HealthCheck\": {", "\"HealthCheck\": { \"AvailableDestinationsPolicy\": \"HealthyAndUnknown\",", StringComparison.Ordinal))
            .Write();
        _gateway = await RunningGateway.StartAsync(_logs, "--proxy-config", _config.Path);
    }

    public async Task DisposeAsync()
    {
        await _gateway.DisposeAsync();
        _healthy.Dispose();
        _sick.Dispose();
        _config.Dispose();
        _deadPanic.Dispose();
        _deadStrict.Dispose();
        _logs.Dispose();
    }

    // Probes time out after 5 s, not 1: on a busy machine a slow answer from the healthy destination must not count as a failure.
    [Fact]
    public async Task A_destination_failing_its_probes_turns_unhealthy_and_traffic_moves_to_the_healthy_one()
    {
        string metrics = "";
        await Poll.UntilAsync(async () =>
        {
            metrics = await _gateway.MetricsAsync();
            return MetricsText.Value(metrics, """gateway_destination_healthy{cluster="sandbox-manager",destination="d2"}""") == 0;
        });

        Assert.Equal(0, MetricsText.Value(metrics, """gateway_destination_healthy{cluster="sandbox-manager",destination="d2"}"""));
        Assert.Equal(1, MetricsText.Value(metrics, """gateway_destination_healthy{cluster="sandbox-manager",destination="d1"}"""));
        for (int i = 0; i < 10; i++)
        {
            using var response = await _gateway.Client.GetAsync("/work/job");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("healthy", await response.Content.ReadAsStringAsync());
        }

        Assert.Equal(10, MetricsText.Value(await _gateway.MetricsAsync(), """gateway_upstream_duration_seconds_count{cluster="sandbox-manager",destination="d1"}"""));
    }

    /// <summary>
    /// A check turned off by a reload leaves its last verdict on the destination, which YARP then ignores: the metric
    /// read it and stayed 0 for a destination taking traffic (a reviewer's finding), so an alert on it paged forever.
    /// </summary>
    [Fact]
    public async Task A_reload_that_turns_the_active_check_off_shows_the_destination_healthy_as_YARP_then_uses_it()
    {
        const string Sick = """gateway_destination_healthy{cluster="sandbox-manager",destination="d2"}""";
        Assert.True(await Poll.UntilAsync(async () => MetricsText.Value(await _gateway.MetricsAsync(), Sick) == 0));

        using var withoutCheck = new ProxyConfigFile();
        withoutCheck.Route("work", "sandbox-manager", "/work/{**rest}")
            .Cluster("sandbox-manager", [_healthy.Url!, _sick.Url!], "\"LoadBalancingPolicy\": \"RoundRobin\"")
            .Write(_config.Path);

        Assert.True(await Poll.UntilAsync(async () => MetricsText.Value(await _gateway.MetricsAsync(), Sick) == 1));
        var answers = new HashSet<string>();
        for (int i = 0; i < 4; i++)
        {
            using var response = await _gateway.Client.GetAsync("/work/job");
            answers.Add(await response.Content.ReadAsStringAsync());
        }

        Assert.Contains("sick", answers);
    }

    [Fact]
    public async Task With_no_healthy_destination_YARP_still_tries_them_all_unless_the_cluster_asks_for_HealthyAndUnknown()
    {
        // The shipped clusters have one destination and YARP's default policy, HealthyOrPanic: a dead destination keeps
        // getting requests (502); only "AvailableDestinationsPolicy": "HealthyAndUnknown" answers 503 without trying.
        string metrics = "";
        Assert.True(await Poll.UntilAsync(async () =>
        {
            metrics = await _gateway.MetricsAsync();
            return MetricsText.Value(metrics, """gateway_destination_healthy{cluster="dead-panic",destination="d1"}""") == 0
                && MetricsText.Value(metrics, """gateway_destination_healthy{cluster="dead-strict",destination="d1"}""") == 0;
        }), metrics);

        using var panic = await _gateway.Client.GetAsync("/panic/x");
        using var strict = await _gateway.Client.GetAsync("/strict/x");

        Assert.Equal(HttpStatusCode.BadGateway, panic.StatusCode);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, strict.StatusCode);
        metrics = await _gateway.MetricsAsync();
        Assert.Equal(1, MetricsText.Value(metrics, """gateway_upstream_errors_total{route="panic",cluster="dead-panic",error="request"}"""));
        Assert.Equal(1, MetricsText.Value(metrics, """gateway_upstream_errors_total{route="strict",cluster="dead-strict",error="no_available_destinations"}"""));
    }

    [Fact]
    public async Task Requests_refused_503_for_want_of_a_healthy_destination_are_logged_once_not_once_each()
    {
        string metrics = "";
        Assert.True(await Poll.UntilAsync(async () =>
            MetricsText.Value(metrics = await _gateway.MetricsAsync(), """gateway_destination_healthy{cluster="dead-strict",destination="d1"}""") == 0), metrics);

        const int Requests = 30;
        for (int i = 0; i < Requests; i++)
        {
            using var strict = await _gateway.Client.GetAsync("/strict/x");
            Assert.Equal(HttpStatusCode.ServiceUnavailable, strict.StatusCode);
        }

        // YARP's own warning for each ("No available destinations after load balancing for cluster 'dead-strict'.")
        // would be a line per request; the gateway's upstream error log has one for the kind.
        Assert.Equal(Requests, MetricsText.Value(await _gateway.MetricsAsync(), """gateway_upstream_errors_total{route="strict",cluster="dead-strict",error="no_available_destinations"}"""));
        Assert.DoesNotContain(_logs.Entries, e => e.Category.StartsWith("Yarp.ReverseProxy.LoadBalancing", StringComparison.Ordinal));
        var line = Assert.Single(_logs.Entries, e => e.Category == typeof(UpstreamErrorLog).FullName && e.Message.Contains("no_available_destinations", StringComparison.Ordinal));
        // YARP gives no exception for it: the line ended in "no_available_destinations: " (a reviewer's finding).
        Assert.Contains("no_available_destinations: no healthy destination in the cluster", line.Message, StringComparison.Ordinal);
    }
}
