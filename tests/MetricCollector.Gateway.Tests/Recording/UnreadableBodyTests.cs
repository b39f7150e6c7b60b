using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.Logging;

namespace MetricCollector.Gateway.Tests.Recording;

/// <summary>
/// A <c>POST /record</c> body Kestrel cannot read to its end (a malformed chunk) is a 400 <c>unreadable_body</c>,
/// counted, not an unhandled exception: each such request, which any client can send, logged an error with a stack
/// trace (a reviewer's finding). A key sent with it is forgotten, so that the retry is applied.
/// </summary>
public sealed class UnreadableBodyTests : IAsyncLifetime
{
    private const string Record = """{"metric_name":"unreadable_probe","metric_type":"counter"}""";

    private readonly CapturedLogs _logs = new();
    private RunningGateway _gateway = null!;

    // The slowest grace period Kestrel takes, and a rate no trickle meets.
    public async Task InitializeAsync() => _gateway = await RunningGateway.StartAsync(
        _logs, "--Gateway:Server:MinBodyDataRateGracePeriod=00:00:02", "--Gateway:Server:MinRequestBodyBytesPerSecond=1000");

    public async Task DisposeAsync()
    {
        await _gateway.DisposeAsync();
        _logs.Dispose();
    }

    [Theory]
    [InlineData(null)]
    [InlineData("k-1")]
    public async Task A_malformed_chunk_is_answered_400_unreadable_body_counted_and_not_logged_as_an_error(string? key)
    {
        string keyHeader = key is null ? "" : "Idempotency-Key: " + key + "\r\n";

        string answer = await SendRawAsync(
            "POST /record HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n" + keyHeader
            + "\r\n5\r\n[{\"me\r\nZZ\r\n");

        Assert.StartsWith("HTTP/1.1 400", answer, StringComparison.Ordinal);
        Assert.Contains("urn:metric-collector:problem:unreadable_body", answer, StringComparison.Ordinal);
        Assert.DoesNotContain(_logs.Entries, e => e.Level >= LogLevel.Error);
        string metrics = await _gateway.MetricsAsync();
        Assert.Equal(1, MetricsText.Value(metrics, """metric_collector_records_total{result="rejected",reason="unreadable_body"}"""));
        Assert.Null(MetricsText.Value(metrics, "unreadable_probe_total"));

        // The sender's retry with the same key is applied, not answered with the failure again.
        using var response = await SendProbeAsync(key);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.False(response.Headers.Contains("Idempotent-Replayed"));
        Assert.Equal(1, MetricsText.Value(await _gateway.MetricsAsync(), "unreadable_probe_total"));
    }

    /// <summary>
    /// A body slower than the minimum data rate is Kestrel's 408, which senders retry (the .NET client retries 408, not
    /// 400): answered 408 body_timeout, its key forgotten. A review found the first fix answering it 400.
    /// </summary>
    [Fact]
    public async Task A_body_slower_than_the_minimum_rate_is_answered_408_body_timeout_and_its_key_forgotten()
    {
        string answer = await SendRawAsync(
            "POST /record HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 500\r\nIdempotency-Key: slow-1\r\n\r\n[{\"metric");

        Assert.StartsWith("HTTP/1.1 408", answer, StringComparison.Ordinal);
        Assert.Contains("urn:metric-collector:problem:body_timeout", answer, StringComparison.Ordinal);
        Assert.DoesNotContain(_logs.Entries, e => e.Level >= LogLevel.Error);
        Assert.Equal(1, MetricsText.Value(await _gateway.MetricsAsync(), """metric_collector_records_total{result="rejected",reason="body_timeout"}"""));

        using var response = await SendProbeAsync("slow-1");

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal(1, MetricsText.Value(await _gateway.MetricsAsync(), "unreadable_probe_total"));
    }

    /// <summary>
    /// A review reset the connection mid-body (SO_LINGER 0): each such request logged an unhandled ConnectionResetException
    /// with its stack trace and was not counted. Now counted as client_closed, with no error, and its key forgotten.
    /// </summary>
    [Fact]
    public async Task A_client_resetting_the_connection_mid_body_is_counted_client_closed_not_logged_as_an_error_and_its_key_forgotten()
    {
        // A bare socket: a TcpClient's stream shuts the connection down (FIN) before closing it, so it would not reset.
        using (var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp))
        {
            await socket.ConnectAsync(_gateway.Address.Host, _gateway.Address.Port);
            await socket.SendAsync(Encoding.ASCII.GetBytes(
                "POST /record HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100000\r\nIdempotency-Key: reset-1\r\n\r\n[{\"metric_name\":\"x\""));
            await Task.Delay(200);
            socket.LingerState = new LingerOption(true, 0);
            socket.Close();
        }

        string metrics = await RejectedAsync("client_closed");

        Assert.Equal(1, MetricsText.Value(metrics, Rejected("client_closed")));
        Assert.DoesNotContain(_logs.Entries, e => e.Level >= LogLevel.Error);

        using var response = await SendProbeAsync("reset-1");

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal(1, MetricsText.Value(await _gateway.MetricsAsync(), "unreadable_probe_total"));
    }

    /// <summary>
    /// A review: a client that closes its side (FIN) mid-body was counted unreadable_body, though it is as gone as one
    /// that resets, and the proxy counts the same 499.
    /// </summary>
    [Fact]
    public async Task A_client_closing_its_side_mid_body_is_counted_client_closed_not_unreadable_body()
    {
        using (var client = new TcpClient())
        {
            await client.ConnectAsync(_gateway.Address.Host, _gateway.Address.Port);
            await client.GetStream().WriteAsync(Encoding.ASCII.GetBytes(
                "POST /record HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 56\r\n\r\n[{\"metric_"));
            client.Client.Shutdown(SocketShutdown.Send);
            await Task.Delay(300);
        }

        string metrics = await RejectedAsync("client_closed");

        Assert.Equal(1, MetricsText.Value(metrics, Rejected("client_closed")));
        Assert.Equal(0, MetricsText.Value(metrics, Rejected("unreadable_body")));
        Assert.DoesNotContain(_logs.Entries, e => e.Level >= LogLevel.Error);
    }

    /// <summary>Sends the probe record, as a sender's retry does: with <paramref name="key"/> as its Idempotency-Key, if any.</summary>
    private async Task<HttpResponseMessage> SendProbeAsync(string? key)
    {
        using var retry = new HttpRequestMessage(HttpMethod.Post, "/record") { Content = new StringContent(Record, Encoding.UTF8, "application/json") };
        if (key is not null)
        {
            retry.Headers.Add("Idempotency-Key", key);
        }

        return await _gateway.Client.SendAsync(retry);
    }

    private static string Rejected(string reason) => $$"""metric_collector_records_total{result="rejected",reason="{{reason}}"}""";

    /// <summary>The exposition once a refusal for <paramref name="reason"/> is counted (the gateway counts it after the client left), or after 5 s.</summary>
    private async Task<string> RejectedAsync(string reason)
    {
        string metrics = "";
        for (int attempt = 0; attempt < 50; attempt++)
        {
            metrics = await _gateway.MetricsAsync();
            if (MetricsText.Value(metrics, Rejected(reason)) > 0)
            {
                break;
            }

            await Task.Delay(100);
        }

        return metrics;
    }

    private async Task<string> SendRawAsync(string request)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(_gateway.Address.Host, _gateway.Address.Port);
        var stream = client.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes(request));

        // Kestrel closes the connection after answering a request whose body it could not read.
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        using var answer = new MemoryStream();
        await stream.CopyToAsync(answer, timeout.Token);
        return Encoding.ASCII.GetString(answer.ToArray());
    }
}
