using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace MetricCollector.Demo;

/// <summary>
/// In-process stand-ins of the three backends on free loopback ports, with realistic latencies and an occasional
/// error, so that a newcomer sees real gateway metrics within a minute.
/// </summary>
public sealed class DemoBackends : IAsyncDisposable
{
    private readonly List<WebApplication> _apps;

    private DemoBackends(List<WebApplication> apps, Dictionary<string, Uri> addresses)
    {
        _apps = apps;
        Addresses = addresses;
    }

    /// <summary>The address of each stand-in, by the cluster id it serves.</summary>
    public IReadOnlyDictionary<string, Uri> Addresses { get; }

    /// <summary>Starts the three stand-ins.</summary>
    /// <param name="cancellationToken">Cancels the start.</param>
    /// <returns>The running stand-ins; dispose them to stop them.</returns>
    public static async Task<DemoBackends> StartAsync(CancellationToken cancellationToken = default)
    {
        var apps = new List<WebApplication>();
        var addresses = new Dictionary<string, Uri>(StringComparer.Ordinal);
        foreach (var (clusterId, map) in new (string, Action<WebApplication>)[]
        {
            ("request-router", RequestRouterStandIn.Map),
            ("sandbox-manager", SandboxManagerStandIn.Map),
            ("core-mcp-server", CoreMcpServerStandIn.Map),
        })
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            builder.Logging.ClearProviders();
            var app = builder.Build();
            app.MapGet("/health", () => "ok");
            map(app);
            await app.StartAsync(cancellationToken);
            apps.Add(app);
            string address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
            addresses[clusterId] = new Uri(address + "/");
        }

        return new DemoBackends(apps, addresses);
    }

    /// <summary>Configuration that points each cluster's destination <c>d1</c> at its stand-in.</summary>
    public IEnumerable<KeyValuePair<string, string?>> ConfigurationOverrides()
    {
        foreach (var (clusterId, address) in Addresses)
        {
            yield return new($"ReverseProxy:Clusters:{clusterId}:Destinations:d1:Address", address.ToString());
        }
    }

    /// <summary>Stops the stand-ins.</summary>
    /// <returns>A task that completes when they have stopped.</returns>
    public async ValueTask DisposeAsync()
    {
        foreach (var app in _apps)
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }
}
