using System.Net;
using System.Text;

namespace MetricCollector.Gateway.Tests.Proxy;

/// <summary><c>--demo</c>: the gateway with stand-ins of the three backends, as the README's run command starts it.</summary>
public sealed class DemoModeTests : IAsyncLifetime
{
    private RunningGateway _gateway = null!;

    public async Task InitializeAsync() => _gateway = await RunningGateway.StartAsync("--demo");

    public async Task DisposeAsync() => await _gateway.DisposeAsync();

    [Fact]
    public async Task Every_default_route_reaches_a_stand_in_and_demo_traffic_fills_the_metrics()
    {
        using var status = await _gateway.Client.GetAsync("/sandboxes/sb-1");
        using var release = await _gateway.Client.DeleteAsync("/sandboxes/sb-1");
        using var router = await _gateway.Client.GetAsync("/router/items/1");
        using var mcp = await _gateway.Client.PostAsync("/mcp", new StringContent("""{"jsonrpc":"2.0","id":1,"method":"tools/list"}""", Encoding.UTF8, "application/json"));
        using var tool = await _gateway.Client.PostAsync("/mcp", new StringContent("""{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"search"}}""", Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.OK, status.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, release.StatusCode);
        Assert.Contains(router.StatusCode, new[] { HttpStatusCode.OK, HttpStatusCode.InternalServerError });
        Assert.Equal(HttpStatusCode.OK, mcp.StatusCode);
        Assert.Equal("application/json", tool.Content.Headers.ContentType!.MediaType);

        // The demo's own traffic pushes a record every two seconds.
        string metrics = "";
        await Poll.UntilAsync(async () =>
        {
            metrics = await _gateway.MetricsAsync();
            return MetricsText.Value(metrics, """demo_jobs_total{component_id="demo"}""") is not null;
        });

        Assert.NotNull(MetricsText.Value(metrics, """demo_jobs_total{component_id="demo"}"""));
        Assert.True(MetricsText.Count(metrics, "gateway_requests_total") >= 4);
        foreach (string cluster in new[] { "request-router", "sandbox-manager", "core-mcp-server" })
        {
            Assert.Equal(1, MetricsText.Value(metrics, $$"""gateway_destination_healthy{cluster="{{cluster}}",destination="d1"}"""));
        }
    }

    /// <summary>
    /// The MCP stand-in speaks enough of streamable HTTP for the gateway's MCP metrics to show every outcome: JSON
    /// answers (so its JSON-RPC errors count as jsonrpc_error), a batch answered by an array, a notification by 202
    /// without a body, and a body that is not JSON by 400 with a JSON-RPC parse error.
    /// </summary>
    [Fact]
    public async Task The_MCP_stand_in_answers_batches_notifications_and_bad_json_as_an_MCP_server_does()
    {
        using var notification = await PostMcpAsync("""{"jsonrpc":"2.0","method":"notifications/initialized"}""");
        using var batch = await PostMcpAsync("""[{"jsonrpc":"2.0","id":"a","method":"tools/list"},{"jsonrpc":"2.0","method":"notifications/initialized"},{"jsonrpc":"2.0","id":"b","method":"initialize","params":{}}]""");
        using var garbage = await PostMcpAsync("not json");

        Assert.Equal(HttpStatusCode.Accepted, notification.StatusCode);
        Assert.Empty(await notification.Content.ReadAsByteArrayAsync());
        Assert.Equal(HttpStatusCode.OK, batch.StatusCode);
        Assert.Equal("application/json", batch.Content.Headers.ContentType!.MediaType);
        using (var answers = System.Text.Json.JsonDocument.Parse(await batch.Content.ReadAsStringAsync()))
        {
            Assert.Equal(2, answers.RootElement.GetArrayLength());
            Assert.Equal("a", answers.RootElement[0].GetProperty("id").GetString());
            Assert.True(answers.RootElement[0].GetProperty("result").GetProperty("tools").GetArrayLength() > 0);
            Assert.Equal("b", answers.RootElement[1].GetProperty("id").GetString());
        }

        Assert.Equal(HttpStatusCode.BadRequest, garbage.StatusCode);
        Assert.Contains("-32700", await garbage.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    private Task<HttpResponseMessage> PostMcpAsync(string body) =>
        _gateway.Client.PostAsync("/mcp", new StringContent(body, Encoding.UTF8, "application/json"));
}
