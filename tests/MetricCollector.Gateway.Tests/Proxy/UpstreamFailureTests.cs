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
    private readonly TcpListener _dropper = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly ProxyConfigFile _config = new();
    private RunningGateway _gateway = null!;
    private Task _dropping = Task.CompletedTask;

    public async Task InitializeAsync()
    {
        _slow.Given(Request.Create().UsingAnyMethod()).RespondWith(Response.Create().WithStatusCode(200).WithDelay(TimeSpan.FromSeconds(5)));
        _dropper.Start();
        _dropping = DropConnectionsAsync();
        int dropperPort = ((IPEndPoint)_dropper.LocalEndpoint).Port;
        _config
            .Route("closed", "closed-port", "/closed/{**rest}")
            .Route("slow", "slow", "/slow/{**rest}")
            .Route("dropped", "dropper", "/dropped/{**rest}")
            .Cluster("closed-port", $"http://127.0.0.1:{LoopbackPorts.Free()}/")
            .Cluster("slow", _slow.Url!, """ "HttpRequest": { "ActivityTimeout": "00:00:01" } """)
            .Cluster("dropper", $"http://127.0.0.1:{dropperPort}/")
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
        _config.Dispose();
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
