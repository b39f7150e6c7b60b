using System.Text;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace MetricCollector.Demo;

/// <summary>A few requests a second through the gateway's own routes, and a pushed record now and then, so that
/// <c>/metrics</c> has something to show from the first minute.</summary>
public sealed partial class DemoTraffic(IServer server, IHostApplicationLifetime lifetime, ILogger<DemoTraffic> logger) : BackgroundService
{
    /// <inheritdoc/>
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var started = new TaskCompletionSource();
        using (lifetime.ApplicationStarted.Register(() => started.SetResult()))
        {
            await started.Task.WaitAsync(stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        if (stoppingToken.IsCancellationRequested)
        {
            // The gateway never started (its start failed and the host is disposed, which the host does not take for
            // a stop): ending quietly keeps the host from logging the cancellation as this service's failure.
            return;
        }

        string address = server.Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First().Replace("0.0.0.0", "127.0.0.1", StringComparison.Ordinal).Replace("[::]", "127.0.0.1", StringComparison.Ordinal);
        LogStarted(logger, address);
        using var client = new HttpClient { BaseAddress = new Uri(address), Timeout = TimeSpan.FromSeconds(10) };
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(250));
        long tick = 0;
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                using var response = await SendAsync(client, tick++, stoppingToken);
            }
            catch (HttpRequestException)
            {
                // The demo goes on; the gateway counts what went wrong.
            }
            catch (TaskCanceledException) when (!stoppingToken.IsCancellationRequested)
            {
            }
        }
    }

    // Every eighth request goes to MCP, rotating through two tools, tools/list and a notification; every other status
    // read goes to the catch-all sandbox-other route.
    private static Task<HttpResponseMessage> SendAsync(HttpClient client, long tick, CancellationToken cancellationToken) => (tick % 8) switch
    {
        0 or 1 or 2 => client.GetAsync($"/router/items/{tick % 5}", cancellationToken),
        3 => client.PostAsync("/sandboxes", new StringContent("{}", Encoding.UTF8, "application/json"), cancellationToken),
        4 => client.GetAsync(tick % 16 == 4 ? $"/sandboxes/{tick}" : $"/sandboxes/{tick}/logs", cancellationToken),
        5 => client.PostAsync("/mcp", new StringContent(McpMessage(tick / 8), Encoding.UTF8, "application/json"), cancellationToken),
        6 => client.PostAsync("/record", new StringContent("{\"metric_name\":\"demo_jobs\",\"metric_type\":\"counter\",\"labels\":{\"component_id\":\"demo\"}}", Encoding.UTF8, "application/json"), cancellationToken),
        _ => client.DeleteAsync($"/sandboxes/{tick}", cancellationToken),
    };

    private static string McpMessage(long round) => (round % 5) switch
    {
        0 or 1 => "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"search\",\"arguments\":{\"q\":\"demo\"}}}",
        2 => "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/call\",\"params\":{\"name\":\"fetch\",\"arguments\":{\"url\":\"demo\"}}}",
        3 => "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"tools/list\"}",
        _ => "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}",
    };

    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Demo traffic is flowing through {Address}; try: curl {Address}/metrics")]
    private static partial void LogStarted(ILogger logger, string address);
}
