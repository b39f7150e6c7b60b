using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.Logging;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace MetricCollector.Gateway.Tests.Proxy;

/// <summary>
/// Clients that break off or garble their request body, on a plain and on an MCP route: each request is counted with
/// the code of what happened (499 for a client that went away, the 400 Kestrel answers a malformed body), never 200.
/// </summary>
public sealed class ClientAbortTests : IAsyncLifetime
{
    private readonly WireMockServer _upstream = WireMockServer.Start();
    private readonly ProxyConfigFile _config = new();
    private readonly CapturedLogs _logs = new();
    private RunningGateway _gateway = null!;

    public async Task InitializeAsync()
    {
        _upstream.Given(Request.Create().UsingAnyMethod()).RespondWith(Response.Create().WithStatusCode(200));
        _config
            .Route("ok", "upstream", "/ok/{**rest}")
            .Route("mcpok", "upstream", "/mcpok/{**rest}", extra: """ "Metadata": { "Mcp": "true" } """)
            .Cluster("upstream", _upstream.Url!)
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

    private static string Series(string route, string code) =>
        $$"""gateway_requests_total{route="{{route}}",cluster="upstream",method="POST",code="{{code}}"}""";

    private static string Head(string route, string framing) =>
        $"POST /{route}/200 HTTP/1.1\r\nHost: gateway\r\nContent-Type: application/json\r\n{framing}\r\n";

    /// <summary>Sends part of a body, then resets the connection (SO_LINGER 0) as a killed client does.</summary>
    /// <remarks>
    /// A bare socket: a TcpClient's stream shuts the connection down (FIN) before closing it, so it never reset, and the
    /// Kestrel error a reset led to (draining the body of a reset connection) went unseen until a review.
    /// </remarks>
    private async Task ResetMidUploadAsync(string route)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(_gateway.Address.Host, _gateway.Address.Port);
        string body = """{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"na""";
        await socket.SendAsync(Encoding.ASCII.GetBytes(Head(route, "Content-Length: 5000\r\n") + body));
        await Task.Delay(300);
        socket.LingerState = new LingerOption(true, 0);
        socket.Close();
    }

    private async Task<string> CountedCodesAsync(string route, int expected, string code)
    {
        string metrics = "";
        await Poll.UntilAsync(async () => MetricsText.Value(metrics = await _gateway.MetricsAsync(), Series(route, code)) == expected);
        return metrics;
    }

    [Theory]
    [InlineData("ok")]
    [InlineData("mcpok")]
    public async Task A_client_that_resets_the_connection_mid_upload_is_counted_as_499_every_time(string route)
    {
        const int Runs = 4;
        for (int i = 0; i < Runs; i++)
        {
            await ResetMidUploadAsync(route);
        }

        string metrics = await CountedCodesAsync(route, Runs, "499");
        Assert.True(MetricsText.Value(metrics, Series(route, "499")) == Runs, metrics);
        Assert.Null(MetricsText.Value(metrics, Series(route, "400")));
        Assert.Null(MetricsText.Value(metrics, Series(route, "200")));
        Assert.DoesNotContain(_logs.Entries, e => e.Level >= LogLevel.Error);
    }

    [Theory]
    [InlineData("ok")]
    [InlineData("mcpok")]
    public async Task A_malformed_chunked_body_is_counted_as_the_400_the_client_gets(string route)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(_gateway.Address.Host, _gateway.Address.Port);
        var stream = client.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes(Head(route, "Transfer-Encoding: chunked\r\n") + "zz\r\n"));
        var buffer = new byte[256];
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        int read = await stream.ReadAsync(buffer, timeout.Token);
        Assert.StartsWith("HTTP/1.1 400", Encoding.ASCII.GetString(buffer, 0, read), StringComparison.Ordinal);

        string metrics = await CountedCodesAsync(route, 1, "400");
        Assert.Equal(1, MetricsText.Value(metrics, Series(route, "400")));
        Assert.Null(MetricsText.Value(metrics, Series(route, "200")));
        Assert.Null(MetricsText.Value(metrics, """gateway_mcp_requests_total{route="mcpok",method="other",tool="",outcome="ok"}"""));
        // Counted and logged as a body YARP finds malformed while forwarding; on the MCP route, read by the gateway
        // first, it reached Kestrel as an error with a stack trace for every such request (a reviewer's finding).
        Assert.Equal(1, MetricsText.Value(metrics, $$"""gateway_upstream_errors_total{route="{{route}}",cluster="upstream",error="request_body_client"}"""));
        Assert.DoesNotContain(_logs.Entries, e => e.Level >= LogLevel.Error);
    }

    [Fact]
    public async Task A_client_that_closes_mid_upload_on_an_mcp_route_is_counted_as_499_not_as_a_success()
    {
        using (var client = new TcpClient())
        {
            await client.ConnectAsync(_gateway.Address.Host, _gateway.Address.Port);
            await client.GetStream().WriteAsync(Encoding.ASCII.GetBytes(Head("mcpok", "Content-Length: 5000\r\n") + """{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"na"""));
            await Task.Delay(300);
        }

        string metrics = "";
        Assert.True(await Poll.UntilAsync(async () =>
        {
            metrics = await _gateway.MetricsAsync();
            // A series is exposed (at 0) just before its first increment: wait for a count, not for the series.
            return MetricsText.Value(metrics, Series("mcpok", "200")) > 0 || MetricsText.Value(metrics, Series("mcpok", "400")) > 0
                || MetricsText.Value(metrics, Series("mcpok", "499")) > 0;
        }), metrics);
        Assert.Null(MetricsText.Value(metrics, Series("mcpok", "200")));
        Assert.Equal(1, MetricsText.Value(metrics, Series("mcpok", "499")));
        Assert.Equal(0, MetricsText.Count(metrics, "gateway_mcp_requests_total"));
        // Kestrel warned "Connection processing ended abnormally ... Reading is already in progress", with a stack
        // trace, for every such request (a review's FIN clients).
        await Task.Delay(200);
        Assert.DoesNotContain(_logs.Entries, e => e.Level >= LogLevel.Warning && e.Category.StartsWith("Microsoft.AspNetCore", StringComparison.Ordinal));
    }
}
