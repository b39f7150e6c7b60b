using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;

namespace MetricCollector.Gateway.Tests;

/// <summary>A hand-written upstream on a free loopback port, for behaviour WireMock cannot script (held responses, streams).</summary>
internal static class LoopbackUpstream
{
    /// <summary>Starts a Kestrel server whose endpoints <paramref name="map"/> adds; returns it and its base address.</summary>
    public static async Task<(WebApplication App, string Address)> StartAsync(Action<WebApplication> map)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        map(app);
        await app.StartAsync();
        return (app, AddressOf(app));
    }

    /// <summary>The address a started server listens on.</summary>
    public static string AddressOf(WebApplication app) =>
        app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
}
