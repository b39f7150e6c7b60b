namespace MetricCollector.Gateway.Tests;

/// <summary>
/// The gateway in its own process, serving on a free loopback port until disposed (then killed): for what only a
/// process of its own shows, such as settings the runtime reads once per process.
/// </summary>
internal sealed class RunningGatewayProcess : IAsyncDisposable
{
    private readonly CapturedProcess _process;

    private RunningGatewayProcess(CapturedProcess process, Uri address)
    {
        _process = process;
        Address = address;
        Client = new HttpClient { BaseAddress = address };
    }

    public Uri Address { get; }

    public HttpClient Client { get; }

    public int ProcessId => _process.Id;

    /// <summary>Starts the gateway with <paramref name="environment"/> changed and waits until <c>/healthz</c> answers 200.</summary>
    public static async Task<RunningGatewayProcess> StartAsync(IReadOnlyDictionary<string, string?> environment, params string[] arguments)
    {
        var address = new Uri($"http://127.0.0.1:{LoopbackPorts.Free()}/");
        var start = GatewayProcess.StartInfo([.. arguments, "--urls", address.ToString().TrimEnd('/')]);
        // A null value takes the variable out of what the process inherits.
        foreach (var (name, value) in environment)
        {
            if (value is null)
            {
                start.Environment.Remove(name);
            }
            else
            {
                start.Environment[name] = value;
            }
        }

        var gateway = new RunningGatewayProcess(CapturedProcess.Start(start, "the gateway"), address);
        if (!await Poll.UntilAsync(gateway.IsHealthyAsync))
        {
            string written = gateway._process.Output;
            await gateway.DisposeAsync();
            throw new InvalidOperationException($"The gateway did not become healthy; it wrote:\n{written}");
        }

        return gateway;
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _process.DisposeAsync();
    }

    private async Task<bool> IsHealthyAsync()
    {
        if (_process.HasExited)
        {
            return false;
        }

        try
        {
            using var response = await Client.GetAsync("/healthz");
            return response.IsSuccessStatusCode;
        }
        catch (HttpRequestException)
        {
            return false;
        }
    }
}
