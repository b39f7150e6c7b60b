using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using MetricCollector.Tests;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace MetricCollector.Gateway.Tests.EndToEnd;

/// <summary>
/// Two gateway replicas behind one Prometheus, as operators run them: proxied traffic and pushed records spread over
/// both add up exactly with <c>sum without (instance)</c>, and every query of the shipped Grafana dashboard returns data.
/// </summary>
public sealed partial class ReplicasInPrometheusTests : IAsyncLifetime
{
    private const int RouterRequestsPerReplica = 12;
    private readonly RefusedPort _closed = RefusedPort.Hold();
    private WireMockServer _upstream = null!;
    private string _proxyConfig = null!;
    private RunningGateway _first = null!;
    private RunningGateway _second = null!;
    private PrometheusServer _prometheus = null!;

    public async Task InitializeAsync()
    {
        _upstream = WireMockServer.Start();
        _upstream.Given(Request.Create().WithPath("/health").UsingGet()).RespondWith(Response.Create().WithStatusCode(200));
        _upstream.Given(Request.Create().WithPath("/router/*").UsingAnyMethod()).RespondWith(Response.Create().WithStatusCode(200).WithBody("routed"));
        _upstream.Given(Request.Create().WithPath("/sandboxes/*").UsingPost()).RespondWith(Response.Create().WithStatusCode(503));
        _upstream.Given(Request.Create().WithPath("/mcp").UsingPost())
            .RespondWith(Response.Create().WithStatusCode(200).WithDelay(TimeSpan.FromMilliseconds(150)).WithBody("{}"));

        _proxyConfig = Path.GetTempFileName();
        await File.WriteAllTextAsync(_proxyConfig, ProxyConfig(_upstream.Url!, _closed.Port));
        _first = await RunningGateway.StartAsync("--proxy-config", _proxyConfig);
        _second = await RunningGateway.StartAsync("--proxy-config", _proxyConfig);
        _prometheus = await PrometheusServer.StartAsync(_first.Address, _second.Address);
    }

    public async Task DisposeAsync()
    {
        await _prometheus.DisposeAsync();
        await _second.DisposeAsync();
        await _first.DisposeAsync();
        _upstream.Stop();
        _upstream.Dispose();
        File.Delete(_proxyConfig);
        _closed.Dispose();
    }

    [Fact]
    public async Task Sum_without_instance_gives_exact_totals_across_two_replicas()
    {
        await DriveTrafficAsync();

        Assert.Equal(2 * RouterRequestsPerReplica, await _prometheus.EventuallyAsync(
            """sum without (instance) (gateway_requests_total{route="router",method="GET",code="200"})""", 2 * RouterRequestsPerReplica));
        Assert.Equal(3, await _prometheus.EventuallyAsync(
            """sum without (instance) (gateway_requests_total{route="sandboxes",method="POST",code="503"})""", 3));
        Assert.Equal(4, await _prometheus.EventuallyAsync(
            """sum without (instance) (gateway_request_duration_seconds_count{route="mcp",method="POST",code="200"})""", 4));
        Assert.Equal(2, await _prometheus.EventuallyAsync("count(gateway_requests_total{route=\"router\",code=\"200\"})", 2));
        Assert.Equal(12, await _prometheus.EventuallyAsync("""sum without (instance) (sandbox_allocations_total{pool_name="default"})""", 12));
        Assert.Equal(5, await _prometheus.EventuallyAsync("sum without (instance) (router_step_seconds_count)", 5));
        Assert.Equal(2, await _prometheus.EventuallyAsync("sum without (instance) (gateway_upstream_errors_total{route=\"dead\"})", 2));

        // 150 ms upstream delay: the median time at the gateway lies in the bucket above it.
        double? median = await _prometheus.ScalarAsync(
            """histogram_quantile(0.5, sum by (le) (gateway_request_duration_seconds_bucket{route="mcp"}))""");
        Assert.InRange(median.GetValueOrDefault(), 0.15, 0.5);
        double? upstreamMedian = await _prometheus.ScalarAsync(
            """histogram_quantile(0.5, sum by (le) (gateway_upstream_duration_seconds_bucket{cluster="core-mcp-server"}))""");
        Assert.InRange(upstreamMedian.GetValueOrDefault(), 0.15, 0.5);
    }

    [Fact]
    public async Task Every_dashboard_query_parses_and_returns_data_after_traffic()
    {
        // rate() needs series that grow between two scrapes: traffic, a scrape, and traffic again.
        await DriveTrafficAsync();
        await _prometheus.EventuallyAsync("sum(gateway_requests_total)", 2 * RouterRequestsPerReplica + 3 + 4 + 2);
        await DriveTrafficAsync();
        await _prometheus.EventuallyAsync("sum(gateway_requests_total)", 2 * (2 * RouterRequestsPerReplica + 3 + 4 + 2));

        using var dashboard = JsonDocument.Parse(await File.ReadAllTextAsync(RepositoryPaths.Of("deploy", "grafana", "gateway-dashboard.json")));
        var empty = new List<string>();
        int queries = 0;
        foreach (var panel in dashboard.RootElement.GetProperty("panels").EnumerateArray())
        {
            foreach (var target in panel.GetProperty("targets").EnumerateArray())
            {
                string expr = target.GetProperty("expr").GetString()!
                    .Replace("$__rate_interval", "1m", StringComparison.Ordinal)
                    .Replace("$route", ".*", StringComparison.Ordinal);
                queries++;
                var result = await _prometheus.QueryAsync(expr);
                if (!HasNumber(result))
                {
                    empty.Add($"{panel.GetProperty("title").GetString()}: {expr}");
                }
            }
        }

        Assert.True(queries >= 10, $"only {queries} queries in the dashboard");
        Assert.True(empty.Count == 0, "queries without data:\n" + string.Join('\n', empty));
        Assert.DoesNotMatch(DashboardVariable(), string.Join(' ', empty));
    }

    private async Task DriveTrafficAsync()
    {
        foreach (var gateway in new[] { _first, _second })
        {
            for (int i = 0; i < RouterRequestsPerReplica; i++)
            {
                using var response = await gateway.Client.GetAsync($"/router/route?i={i}");
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            }

            for (int i = 0; i < 2; i++)
            {
                using var mcp = await gateway.Client.PostAsync("/mcp", new StringContent("""{"jsonrpc":"2.0","id":1,"method":"tools/list"}""", Encoding.UTF8, "application/json"));
                Assert.Equal(HttpStatusCode.OK, mcp.StatusCode);
            }

            using var dead = await gateway.Client.GetAsync("/dead/x");
            Assert.Equal(HttpStatusCode.BadGateway, dead.StatusCode);
        }

        for (int i = 0; i < 3; i++)
        {
            using var failed = await _first.Client.PostAsync("/sandboxes/allocate", new StringContent("{}", Encoding.UTF8, "application/json"));
            Assert.Equal(HttpStatusCode.ServiceUnavailable, failed.StatusCode);
        }

        await PostRecordsAsync(_first, 5);
        await PostRecordsAsync(_second, 7);
        using var rejected = await _second.Client.PostAsync("/record", new StringContent("{}", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, rejected.StatusCode);
    }

    private static async Task PostRecordsAsync(RunningGateway gateway, int count)
    {
        var records = new StringBuilder("[");
        for (int i = 0; i < count; i++)
        {
            records.Append("""{"metric_name":"sandbox_allocations","metric_type":"counter","labels":{"pool_name":"default"}},""");
        }

        records.Append("""{"metric_name":"router_step_seconds","metric_type":"histogram","value":0.2}]""");
        using var response = await gateway.Client.PostAsync("/record", new StringContent(records.ToString(), Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        if (count == 7)
        {
            // The second replica gets the histogram record four more times: 1 + 4 = 5 with the first replica's one.
            for (int i = 0; i < 3; i++)
            {
                using var more = await gateway.Client.PostAsync("/record", new StringContent("""{"metric_name":"router_step_seconds","metric_type":"histogram","value":0.3}""", Encoding.UTF8, "application/json"));
                Assert.Equal(HttpStatusCode.Accepted, more.StatusCode);
            }
        }
    }

    private static bool HasNumber(JsonElement result)
    {
        foreach (var sample in result.EnumerateArray())
        {
            string value = sample.GetProperty("value")[1].GetString()!;
            if (value != "NaN")
            {
                return true;
            }
        }

        return false;
    }

    private static string ProxyConfig(string upstream, int closedPort) => $$"""
        {
          "ReverseProxy": {
            "Routes": {
              "router": { "ClusterId": "request-router", "Match": { "Path": "/router/{**rest}" } },
              "sandboxes": { "ClusterId": "sandbox-manager", "Match": { "Path": "/sandboxes/{**rest}" } },
              "mcp": { "ClusterId": "core-mcp-server", "Match": { "Path": "/mcp" } },
              "dead": { "ClusterId": "dead", "Match": { "Path": "/dead/{**rest}" } }
            },
            "Clusters": {
              "request-router": { "Destinations": { "d1": { "Address": "{{upstream}}" } }, "HealthCheck": { "Active": { "Enabled": true, "Interval": "00:00:01", "Timeout": "00:00:01", "Policy": "ConsecutiveFailures", "Path": "/health" } } },
              "sandbox-manager": { "Destinations": { "d1": { "Address": "{{upstream}}" } }, "HealthCheck": { "Active": { "Enabled": true, "Interval": "00:00:01", "Timeout": "00:00:01", "Policy": "ConsecutiveFailures", "Path": "/health" } } },
              "core-mcp-server": { "Destinations": { "d1": { "Address": "{{upstream}}" } }, "HealthCheck": { "Active": { "Enabled": true, "Interval": "00:00:01", "Timeout": "00:00:01", "Policy": "ConsecutiveFailures", "Path": "/health" } } },
              "dead": { "Destinations": { "d1": { "Address": "http://127.0.0.1:{{closedPort}}/" } } }
            }
          }
        }
        """;

    [GeneratedRegex(@"\$\w+")]
    private static partial Regex DashboardVariable();
}
