using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace MetricCollector.Gateway.Tests;

/// <summary>The real gateway on a free loopback port, with a client pointed at it; stopped on dispose.</summary>
internal sealed class RunningGateway : IAsyncDisposable
{
    private readonly WebApplication _app;
    private Task? _stopped;

    private RunningGateway(WebApplication app, Uri address)
    {
        _app = app;
        Address = address;
        Client = new HttpClient { BaseAddress = address };
    }

    public Uri Address { get; }

    public HttpClient Client { get; }

    public IServiceProvider Services => _app.Services;

    public static Task<RunningGateway> StartAsync(params string[] arguments) => StartAsync(null, arguments);

    /// <summary>Starts the gateway with <paramref name="logs"/> seeing what it logs from the start (its start-up warnings too).</summary>
    public static async Task<RunningGateway> StartAsync(ILoggerProvider? logs, params string[] arguments)
    {
        var app = await GatewayApplication.StartAsync(["--urls", "http://127.0.0.1:0", .. arguments], logs is null ? null : built => built.Services.GetRequiredService<ILoggerFactory>().AddProvider(logs));
        return new RunningGateway(app, new Uri(LoopbackUpstream.AddressOf(app)));
    }

    public async Task<string> MetricsAsync(string? accept = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/metrics");
        if (accept is not null)
        {
            request.Headers.TryAddWithoutValidation("Accept", accept);
        }

        using var response = await Client.SendAsync(request);
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadAsStringAsync();
    }

    /// <summary>
    /// Stops the gateway as SIGTERM or Ctrl+C does (the console lifetime signals ApplicationStopping, and the program's
    /// WaitForShutdownAsync then stops the host); returns the stop, not awaited.
    /// </summary>
    public Task StopAsSignalledAsync()
    {
        var stopped = _app.WaitForShutdownAsync();
        _app.Lifetime.StopApplication();
        return _stopped = stopped;
    }

    /// <summary>Stops the host directly, as a host embedding the gateway does; <paramref name="cancellationToken"/> cuts the stop short.</summary>
    public Task StopAsync(CancellationToken cancellationToken) => _stopped = _app.StopAsync(cancellationToken);

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await (_stopped ?? _app.StopAsync());
        await _app.DisposeAsync();
    }
}
