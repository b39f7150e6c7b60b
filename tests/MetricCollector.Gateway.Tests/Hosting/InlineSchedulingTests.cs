using System.Net;
using System.Runtime.InteropServices;
using System.Text;
using MetricCollector.Gateway.Hosting;
using MetricCollector.Gateway.Tests.Proxy;
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
        (_upstream, string address) = await LoopbackUpstream.StartAsync(app => app.MapGet("/up/hello", () => "hi from upstream"));
        _config.Route("up", "up", "/up/{**rest}").Cluster("up", address).Write();
    }

    public async Task DisposeAsync()
    {
        await _upstream.DisposeAsync();
        _config.Dispose();
    }

    [Fact]
    public async Task With_inline_scheduling_every_core_gets_a_socket_thread_and_records_proxying_and_scrapes_work()
    {
        await using var gateway = await StartAsync(inlineScheduling: true, environmentSetting: null);

        // With inline completions .NET makes one socket thread per core; without, one for up to 30 cores (x64).
        Assert.Equal(Environment.ProcessorCount, SocketThreads(gateway.ProcessId));

        using var record = await gateway.Client.PostAsync("/record", new StringContent(
            """{"metric_name":"inline_jobs_total","metric_type":"counter","value":3}""", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.Accepted, record.StatusCode);
        Assert.Equal("hi from upstream", await gateway.Client.GetStringAsync("/up/hello"));
        string metrics = await gateway.Client.GetStringAsync("/metrics");
        Assert.Contains("inline_jobs_total 3\n", metrics, StringComparison.Ordinal);
        Assert.Contains("gateway_requests_total{route=\"up\",cluster=\"up\",method=\"GET\",code=\"200\"} 1\n", metrics, StringComparison.Ordinal);
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
