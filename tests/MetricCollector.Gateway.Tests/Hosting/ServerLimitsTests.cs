using System.Net;
using System.Net.Sockets;
using System.Text;

namespace MetricCollector.Gateway.Tests.Hosting;

public sealed class ServerLimitsTests : IAsyncLifetime
{
    private RunningGateway _gateway = null!;

    public async Task InitializeAsync() => _gateway = await RunningGateway.StartAsync(
        "--Gateway:Server:MaxRequestHeadersTotalSize=4096", "--Gateway:Server:MaxRequestLineSize=1024", "--Gateway:Server:RequestHeadersTimeout=00:00:01");

    public async Task DisposeAsync() => await _gateway.DisposeAsync();

    [Fact]
    public async Task Oversized_headers_are_answered_431()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/metrics");
        request.Headers.Add("X-Padding", new string('a', 5000));

        using var response = await _gateway.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.RequestHeaderFieldsTooLarge, response.StatusCode);
    }

    [Fact]
    public async Task An_oversized_request_line_is_answered_414()
    {
        using var response = await _gateway.Client.GetAsync("/metrics?" + new string('q', 2000));

        Assert.Equal(HttpStatusCode.RequestUriTooLong, response.StatusCode);
    }

    [Fact]
    public async Task A_client_that_never_finishes_its_headers_is_disconnected()
    {
        using var client = new TcpClient();
        await client.ConnectAsync(_gateway.Address.Host, _gateway.Address.Port);
        var stream = client.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes("GET /metrics HTTP/1.1\r\nHost: x\r\n"));

        // Kestrel checks the headers timeout once a second; the connection is closed within a few.
        var buffer = new byte[4096];
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        int read;
        do
        {
            read = await stream.ReadAsync(buffer, timeout.Token);
        }
        while (read > 0);

        Assert.Equal(0, read);
    }
}
