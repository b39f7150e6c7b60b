using System.Net;
using System.Net.Sockets;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace MetricCollector.Gateway.Tests.Proxy;

/// <summary>Dead, slow and rude upstreams: each gets its documented status and error label, and the gateway stays up.</summary>
public sealed class UpstreamFailureTests : IAsyncLifetime
{
    private readonly WireMockServer _slow = WireMockServer.Start();
    private readonly WireMockServer _refusing = WireMockServer.Start();
    private readonly TcpListener _dropper = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly ProxyConfigFile _config = new();
    private readonly RefusedPort _closed = RefusedPort.Hold();
    private RunningGateway _gateway = null!;
    private Task _dropping = Task.CompletedTask;

    public async Task InitializeAsync()
    {
        _slow.Given(Request.Create().UsingAnyMethod()).RespondWith(Response.Create().WithStatusCode(200).WithDelay(TimeSpan.FromSeconds(5)));
        _refusing.Given(Request.Create().UsingAnyMethod()).RespondWith(Response.Create().WithStatusCode(400));
        _dropper.Start();
        _dropping = DropConnectionsAsync();
        int dropperPort = ((IPEndPoint)_dropper.LocalEndpoint).Port;
        _config
            .Route("closed", "closed-port", "/closed/{**rest}")
            .Route("slow", "slow", "/slow/{**rest}")
            .Route("dropped", "dropper", "/dropped/{**rest}")
            .Route("refusing", "refusing", "/refusing/{**rest}")
            .Route("abandoned", "abandoned", "/abandoned/{**rest}")
            .Cluster("closed-port", _closed.Url)
            .Cluster("slow", _slow.Url!, """ "HttpRequest": { "ActivityTimeout": "00:00:01" } """)
            .Cluster("dropper", $"http://127.0.0.1:{dropperPort}/")
            .Cluster("refusing", _refusing.Url!)
            // The slow upstream again, but with time enough that only the client can end the request first, however
            // late a loaded machine notices that it left.
            .Cluster("abandoned", _slow.Url!, """ "HttpRequest": { "ActivityTimeout": "00:01:00" } """)
            .Write();
        _gateway = await RunningGateway.StartAsync("--proxy-config", _config.Path);
    }

    public async Task DisposeAsync()
    {
        await _gateway.DisposeAsync();
        await _stop.CancelAsync();
        _dropper.Stop();
        await _dropping.ContinueWith(_ => { }, TaskScheduler.Default);
        _slow.Dispose();
        _refusing.Dispose();
        _config.Dispose();
        _closed.Dispose();
        _stop.Dispose();
    }

    [Theory]
    [InlineData("/closed/x", HttpStatusCode.BadGateway, "closed", "closed-port", "request")]
    [InlineData("/slow/x", HttpStatusCode.GatewayTimeout, "slow", "slow", "request_timed_out")]
    [InlineData("/dropped/x", HttpStatusCode.BadGateway, "dropped", "dropper", "request")]
    public async Task A_failing_upstream_gets_its_status_and_error_label_and_the_gateway_stays_up(string path, HttpStatusCode status, string route, string cluster, string error)
    {
        for (int i = 0; i < 2; i++)
        {
            using var response = await _gateway.Client.GetAsync(path);
            Assert.Equal(status, response.StatusCode);
        }

        string metrics = await _gateway.MetricsAsync();
        string code = ((int)status).ToString(System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(2, MetricsText.Value(metrics, $$"""gateway_upstream_errors_total{route="{{route}}",cluster="{{cluster}}",error="{{error}}"}"""));
        Assert.Equal(2, MetricsText.Value(metrics, $$"""gateway_requests_total{route="{{route}}",cluster="{{cluster}}",method="GET",code="{{code}}"}"""));
        Assert.Equal(1, MetricsText.Count(metrics, "gateway_upstream_errors_total"));
        using var health = await _gateway.Client.GetAsync("/healthz");
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
    }

    [Fact]
    public async Task A_request_the_client_gave_up_on_is_counted_as_499_not_as_a_client_error()
    {
        // The upstream answers after 5 s, the cluster waits a minute: the client leaves first, closing its connection
        // as `curl --max-time` does.
        using (var client = new TcpClient())
        {
            await client.ConnectAsync(_gateway.Address.Host, _gateway.Address.Port);
            await client.GetStream().WriteAsync("GET /abandoned/x HTTP/1.1\r\nHost: gateway\r\n\r\n"u8.ToArray());
            await Task.Delay(300);
        }

        using var refused = await _gateway.Client.GetAsync("/refusing/x");

        const string Abandoned = "route=\"abandoned\",cluster=\"abandoned\",method=\"GET\",code=\"499\"";
        string metrics = "";
        const string Canceled = """gateway_upstream_errors_total{route="abandoned",cluster="abandoned",error="request_canceled"}""";
        // The request is counted a moment before its upstream error: a scrape in between sees the one without the other.
        Assert.True(await Poll.UntilAsync(async () =>
        {
            metrics = await _gateway.MetricsAsync();
            return MetricsText.Value(metrics, $"gateway_requests_total{{{Abandoned}}}") == 1 && MetricsText.Value(metrics, Canceled) == 1;
        }), metrics);
        Assert.Equal(1, MetricsText.Value(metrics, $"gateway_request_duration_seconds_count{{{Abandoned}}}"));
        Assert.Null(MetricsText.Value(metrics, """gateway_requests_total{route="abandoned",cluster="abandoned",method="GET",code="400"}"""));

        // An upstream's own 400 is still a 400.
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Equal(1, MetricsText.Value(metrics, """gateway_requests_total{route="refusing",cluster="refusing",method="GET",code="400"}"""));
    }

    /// <summary>Accepts connections and closes them at once, before any response: a crashed or reset backend.</summary>
    private async Task DropConnectionsAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            using var client = await _dropper.AcceptTcpClientAsync(_stop.Token);
            client.Client.LingerState = new LingerOption(true, 0);
            client.Close();
        }
    }
}
