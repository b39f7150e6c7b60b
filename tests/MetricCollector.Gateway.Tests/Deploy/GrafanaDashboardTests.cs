using System.Globalization;
using System.Text;
using System.Text.Json;
using MetricCollector.Tests;
using MetricCollector.Tests.Exposition;

namespace MetricCollector.Gateway.Tests.Deploy;

/// <summary>
/// The latency queries of <c>deploy/grafana/gateway-dashboard.json</c>, evaluated by <c>promtool test rules</c> on
/// series that a live Prometheus would only have after minutes of traffic. Every query returning data is checked
/// against two live replicas in <c>ReplicasInPrometheusTests</c>.
/// </summary>
public sealed class GrafanaDashboardTests
{
    /// <summary>
    /// A review found the latency panels showing 17-27 s on an MCP route whose POSTs took 0.34 s: the gateway times a
    /// stream for its whole life, and each MCP session holds a GET event stream open; WebSocket sessions did the same.
    /// </summary>
    [Fact]
    public async Task The_latency_panels_leave_out_mcp_event_streams_and_websocket_sessions()
    {
        // 60 POSTs a minute on mcp, all under 0.5 s, so their quantiles fall in the first bucket: 0.5 * q.
        var expected = new Dictionary<string, (string Labels, double Value)>
        {
            ["histogram_quantile(0.5, sum by (route, le)"] = ("""{route="mcp"}""", 0.25),
            ["histogram_quantile(0.9, sum by (route, le)"] = ("""{route="mcp"}""", 0.45),
            ["histogram_quantile(0.99, sum by (route, le)"] = ("""{route="mcp"}""", 0.495),
            ["histogram_quantile(0.99, sum by (cluster, le)"] = ("""{cluster="core-mcp-server"}""", 0.495),
        };
        using var dashboard = JsonDocument.Parse(await File.ReadAllTextAsync(RepositoryPaths.Of("deploy", "grafana", "gateway-dashboard.json")));
        var tests = new StringBuilder();
        var found = new List<string>();
        foreach (var panel in dashboard.RootElement.GetProperty("panels").EnumerateArray())
        {
            foreach (var target in panel.GetProperty("targets").EnumerateArray())
            {
                string expr = target.GetProperty("expr").GetString()!;
                if (!expr.Contains("gateway_request_duration_seconds_bucket", StringComparison.Ordinal))
                {
                    continue;
                }

                var (labels, value) = expected.Single(e => expr.StartsWith(e.Key, StringComparison.Ordinal)).Value;
                found.Add(expr);
                string query = expr.Replace("$__rate_interval", "5m", StringComparison.Ordinal).Replace("$route", ".*", StringComparison.Ordinal);
                tests.Append(CultureInfo.InvariantCulture, $"""
                          - expr: '{query.Replace("'", "''", StringComparison.Ordinal)}'
                            eval_time: 20m
                            exp_samples:
                              - labels: '{labels}'
                                value: {value}

                    """);
            }
        }

        Assert.Equal(4, found.Count);
        string file = Path.Combine(Directory.CreateTempSubdirectory("dashboard-").FullName, "dashboard.test.yml");
        try
        {
            await File.WriteAllTextAsync(file, StreamsAndSessions + tests);
            var (exitCode, output) = await ExpositionOracles.RunAsync("promtool", ["test", "rules", file], "");

            Assert.True(exitCode == 0, output);
        }
        finally
        {
            Directory.Delete(Path.GetDirectoryName(file)!, recursive: true);
        }
    }

    // mcp: fast POSTs and, on the other replica, a GET event stream every 30 s, each open longer than 60 s; ws: a
    // WebSocket session a minute over HTTP/1.1 (101) and one over HTTP/2 (CONNECT), each longer than 60 s.
    private const string StreamsAndSessions = """
        tests:
          - interval: 1m
            input_series:
              - series: 'gateway_request_duration_seconds_bucket{instance="a",route="mcp",cluster="core-mcp-server",method="POST",code="200",le="0.5"}'
                values: '0+60x30'
              - series: 'gateway_request_duration_seconds_bucket{instance="a",route="mcp",cluster="core-mcp-server",method="POST",code="200",le="60"}'
                values: '0+60x30'
              - series: 'gateway_request_duration_seconds_bucket{instance="a",route="mcp",cluster="core-mcp-server",method="POST",code="200",le="+Inf"}'
                values: '0+60x30'
              - series: 'gateway_request_duration_seconds_bucket{instance="b",route="mcp",cluster="core-mcp-server",method="GET",code="200",le="0.5"}'
                values: '0x30'
              - series: 'gateway_request_duration_seconds_bucket{instance="b",route="mcp",cluster="core-mcp-server",method="GET",code="200",le="60"}'
                values: '0x30'
              - series: 'gateway_request_duration_seconds_bucket{instance="b",route="mcp",cluster="core-mcp-server",method="GET",code="200",le="+Inf"}'
                values: '0+2x30'
              - series: 'gateway_mcp_requests_total{instance="a",route="mcp",method="tools/call",tool="search",outcome="ok"}'
                values: '0+60x30'
              - series: 'gateway_request_duration_seconds_bucket{instance="a",route="ws",cluster="c",method="GET",code="101",le="0.5"}'
                values: '0x30'
              - series: 'gateway_request_duration_seconds_bucket{instance="a",route="ws",cluster="c",method="GET",code="101",le="60"}'
                values: '0x30'
              - series: 'gateway_request_duration_seconds_bucket{instance="a",route="ws",cluster="c",method="GET",code="101",le="+Inf"}'
                values: '0+1x30'
              - series: 'gateway_request_duration_seconds_bucket{instance="b",route="ws",cluster="c",method="CONNECT",code="200",le="0.5"}'
                values: '0x30'
              - series: 'gateway_request_duration_seconds_bucket{instance="b",route="ws",cluster="c",method="CONNECT",code="200",le="60"}'
                values: '0x30'
              - series: 'gateway_request_duration_seconds_bucket{instance="b",route="ws",cluster="c",method="CONNECT",code="200",le="+Inf"}'
                values: '0+1x30'
            promql_expr_test:

        """;
}
