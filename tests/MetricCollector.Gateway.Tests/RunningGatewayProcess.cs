using System.Diagnostics;
using System.Text;

namespace MetricCollector.Gateway.Tests;

/// <summary>
/// The gateway in its own process, serving on a free loopback port until disposed (then killed): for what only a
/// process of its own shows, such as settings the runtime reads once per process.
/// </summary>
internal sealed class RunningGatewayProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output;

    private RunningGatewayProcess(Process process, StringBuilder output, Uri address)
    {
        _process = process;
        _output = output;
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

        var output = new StringBuilder();
        var process = Process.Start(start) ?? throw new InvalidOperationException("could not start the gateway");
        // Both streams are read as they come, so that the gateway never blocks on a full pipe.
        process.OutputDataReceived += (_, line) => Append(output, line.Data);
        process.ErrorDataReceived += (_, line) => Append(output, line.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        var gateway = new RunningGatewayProcess(process, output, address);
        if (!await Poll.UntilAsync(gateway.IsHealthyAsync))
        {
            string written = gateway.Output;
            await gateway.DisposeAsync();
            throw new InvalidOperationException($"The gateway did not become healthy; it wrote:\n{written}");
        }

        return gateway;
    }

    /// <summary>What the process has written to both streams so far.</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        await _process.WaitForExitAsync();
        _process.Dispose();
    }

    private static void Append(StringBuilder output, string? line)
    {
        if (line is not null)
        {
            lock (output)
            {
                output.AppendLine(line);
            }
        }
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
