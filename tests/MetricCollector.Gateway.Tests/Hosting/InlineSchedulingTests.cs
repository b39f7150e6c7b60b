using System.Net;
using System.Runtime.InteropServices;
using System.Text;
using MetricCollector.Gateway.Hosting;
using MetricCollector.Gateway.Tests.Proxy;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
using Microsoft.Extensions.Options;

namespace MetricCollector.Gateway.Tests.Hosting;

/// <summary>
/// <c>Gateway:Server:InlineScheduling</c> in a process of its own: .NET reads whether socket completions run inline
/// once, at the process's first socket, so only a fresh process shows whether the gateway set it in time.
/// </summary>
public sealed class InlineSchedulingTests : IAsyncLifetime
{
    private readonly ProxyConfigFile _config = new();
    private WebApplication _upstream = null!;

    public async Task InitializeAsync()
    {
        (_upstream, string address) = await LoopbackUpstream.StartAsync(app =>
        {
            app.MapGet("/up/hello", () => "hi from upstream");
            app.MapPost("/mcp", () => Results.Text("""{"jsonrpc":"2.0","id":7,"result":{"content":[]}}""", "application/json"));
        });
        _config
            .Route("up", "up", "/up/{**rest}")
            .Cluster("up", address)
            .Route("mcp", "core-mcp-server", "/mcp/{**rest}")
            .Cluster("core-mcp-server", address)
            .Write();
    }

    public async Task DisposeAsync()
    {
        await _upstream.DisposeAsync();
        _config.Dispose();
    }

    /// <summary>
    /// Every kind of request the gateway serves, in a process of its own running them on its socket threads: code that
    /// blocked such a thread while waiting for a socket would hang here.
    /// </summary>
    [Fact]
    public async Task With_inline_scheduling_every_core_gets_a_socket_thread_and_every_kind_of_request_is_served()
    {
        await using var gateway = await StartAsync(inlineScheduling: true, environmentSetting: null);

        // With inline completions .NET makes one socket thread per core; without, one for up to 30 cores (x64).
        Assert.Equal(Environment.ProcessorCount, SocketThreads(gateway.ProcessId));

        const string batch = """[{"metric_name":"inline_jobs","metric_type":"counter","value":3},{"metric_name":"inline_seconds","metric_type":"histogram","value":0.2}]""";
        using (var first = await PostRecordAsync(gateway, batch, "batch-1"))
        using (var retry = await PostRecordAsync(gateway, batch, "batch-1"))
        {
            Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);
            Assert.Equal(HttpStatusCode.Accepted, retry.StatusCode);
            Assert.Equal("true", Assert.Single(retry.Headers.GetValues("Idempotent-Replayed")));
        }

        using (var partly = await PostRecordAsync(gateway, """[{"metric_name":"inline_jobs","metric_type":"counter"},{"metric_name":"bad name","metric_type":"counter"}]"""))
        using (var malformed = await PostRecordAsync(gateway, "{not json"))
        {
            Assert.Equal(HttpStatusCode.MultiStatus, partly.StatusCode);
            Assert.Equal(HttpStatusCode.BadRequest, malformed.StatusCode);
            Assert.Equal("application/problem+json", malformed.Content.Headers.ContentType?.MediaType);
        }

        Assert.Equal("hi from upstream", await gateway.Client.GetStringAsync("/up/hello"));
        using (var call = await gateway.Client.PostAsync("/mcp", new StringContent(
            """{"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":"search","arguments":{}}}""", Encoding.UTF8, "application/json")))
        {
            Assert.Equal(HttpStatusCode.OK, call.StatusCode);
        }

        string metrics = await gateway.Client.GetStringAsync("/metrics");
        Assert.Contains("inline_jobs_total 4\n", metrics, StringComparison.Ordinal);
        Assert.Contains("inline_seconds_count 1\n", metrics, StringComparison.Ordinal);
        Assert.Contains("gateway_requests_total{route=\"up\",cluster=\"up\",method=\"GET\",code=\"200\"} 1\n", metrics, StringComparison.Ordinal);
        Assert.Contains("gateway_mcp_requests_total{route=\"mcp\",method=\"tools/call\",tool=\"search\",outcome=\"ok\"} 1\n", metrics, StringComparison.Ordinal);
        using var openMetrics = new HttpRequestMessage(HttpMethod.Get, "/metrics");
        openMetrics.Headers.TryAddWithoutValidation("Accept", "application/openmetrics-text;version=1.0.0");
        using var scrape = await gateway.Client.SendAsync(openMetrics);
        Assert.EndsWith("# EOF\n", await scrape.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(false, null)]
    [InlineData(true, "0")]
    public async Task Without_it_or_with_the_runtime_setting_turned_off_socket_completions_stay_on_the_thread_pool(bool inlineScheduling, string? environmentSetting)
    {
        await using var gateway = await StartAsync(inlineScheduling, environmentSetting);

        Assert.Equal(DefaultSocketThreads, SocketThreads(gateway.ProcessId));
        using var record = await gateway.Client.PostAsync("/record", new StringContent(
            """{"metric_name":"inline_jobs_total","metric_type":"counter"}""", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.Accepted, record.StatusCode);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void The_setting_is_kestrels_inline_scheduling(bool inlineScheduling)
    {
        var transport = new SocketTransportOptions { UnsafePreferInlineScheduling = !inlineScheduling };

        new GatewayServerSetup(Options.Create(new GatewayServerOptions { InlineScheduling = inlineScheduling })).Configure(transport);

        Assert.Equal(inlineScheduling, transport.UnsafePreferInlineScheduling);
    }

    private static async Task<HttpResponseMessage> PostRecordAsync(RunningGatewayProcess gateway, string body, string? key = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/record") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        if (key is not null)
        {
            request.Headers.Add("Idempotency-Key", key);
        }

        return await gateway.Client.SendAsync(request);
    }

    // .NET's own rule (SocketAsyncEngine.GetEngineCount) when completions are not inline: a thread per 30 cores on x64,
    // per 8 on Arm, at least one.
    private static int DefaultSocketThreads =>
        Math.Max(1, (int)Math.Round(Environment.ProcessorCount / (RuntimeInformation.ProcessArchitecture is Architecture.Arm64 or Architecture.Arm ? 8.0 : 30.0)));

    private Task<RunningGatewayProcess> StartAsync(bool inlineScheduling, string? environmentSetting) =>
        RunningGatewayProcess.StartAsync(
            // A socket thread count set in the test's environment would decide the count alone.
            new Dictionary<string, string?> { [InlineSocketCompletions.Variable] = environmentSetting, ["DOTNET_SYSTEM_NET_SOCKETS_THREAD_COUNT"] = null },
            "--proxy-config", _config.Path,
            "--Gateway:Server:InlineScheduling=" + (inlineScheduling ? "true" : "false"));

    /// <summary>The threads .NET names ".NET Sockets": one per socket event loop.</summary>
    private static int SocketThreads(int processId)
    {
        int count = 0;
        foreach (string task in Directory.GetDirectories($"/proc/{processId}/task"))
        {
            if (File.ReadAllText(Path.Combine(task, "comm")).TrimEnd('\n') == ".NET Sockets")
            {
                count++;
            }
        }

        return count;
    }
}
