using System.Net;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace MetricCollector.Gateway.Tests.Proxy;

/// <summary>
/// CoreMCPServer's streamable HTTP: a JSON-RPC POST answered with <c>text/event-stream</c>. The gateway must pass each
/// event on as it comes, not when the upstream closes the stream.
/// </summary>
public sealed class StreamingTests : IAsyncLifetime
{
    private readonly TaskCompletionSource _releaseSecondEvent = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly ProxyConfigFile _config = new();
    private WebApplication _upstream = null!;
    private RunningGateway _gateway = null!;

    public async Task InitializeAsync()
    {
        (_upstream, string address) = await LoopbackUpstream.StartAsync(app => app.MapPost("/mcp", async (HttpContext context) =>
        {
            context.Response.ContentType = "text/event-stream";
            await context.Response.WriteAsync("event: message\ndata: {\"jsonrpc\":\"2.0\",\"method\":\"notifications/progress\"}\n\n");
            await context.Response.Body.FlushAsync();
            await _releaseSecondEvent.Task.WaitAsync(TimeSpan.FromSeconds(30));
            await context.Response.WriteAsync("event: message\ndata: {\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{}}\n\n");
        }));
        _config.Route("mcp", "core-mcp-server", "/mcp/{**rest}").Cluster("core-mcp-server", address + "/").Write();
        _gateway = await RunningGateway.StartAsync("--proxy-config", _config.Path);
    }

    public async Task DisposeAsync()
    {
        _releaseSecondEvent.TrySetResult();
        await _gateway.DisposeAsync();
        await _upstream.StopAsync();
        await _upstream.DisposeAsync();
        _config.Dispose();
    }

    [Fact]
    public async Task The_first_event_reaches_the_client_before_the_upstream_closes_the_stream()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/mcp")
        {
            Content = new StringContent("""{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"search"}}""", Encoding.UTF8, "application/json"),
        };
        request.Headers.Accept.ParseAdd("application/json, text/event-stream");

        using var response = await _gateway.Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType!.MediaType);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());

        // The upstream holds the second event until the first one has arrived here.
        string? first = await reader.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(15));
        Assert.Equal("event: message", first);
        Assert.Contains("notifications/progress", await reader.ReadLineAsync(), StringComparison.Ordinal);
        Assert.False(_releaseSecondEvent.Task.IsCompleted);
        _releaseSecondEvent.SetResult();
        string rest = await reader.ReadToEndAsync().WaitAsync(TimeSpan.FromSeconds(15));
        Assert.Contains("\"result\"", rest, StringComparison.Ordinal);

        // The upstream time ends at the response headers, not at the end of the stream.
        string metrics = await _gateway.MetricsAsync();
        Assert.Equal(1, MetricsText.Value(metrics, """gateway_requests_total{route="mcp",cluster="core-mcp-server",method="POST",code="200"}"""));
        Assert.Equal(1, MetricsText.Value(metrics, """gateway_upstream_duration_seconds_count{cluster="core-mcp-server",destination="d1"}"""));
    }
}
