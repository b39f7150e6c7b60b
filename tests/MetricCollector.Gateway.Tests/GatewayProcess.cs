using System.Diagnostics;

namespace MetricCollector.Gateway.Tests;

/// <summary>
/// The gateway as an operator runs it: its own process (<c>dotnet MetricCollector.Gateway.dll</c>, built beside the
/// tests), with standard output, where the console logger writes, and standard error captured. In-process runs see
/// neither: the console logger writes to the test host's console.
/// </summary>
internal static class GatewayProcess
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    /// <summary>Runs the gateway with <paramref name="arguments"/> until it exits (it must, within a minute).</summary>
    public static Task<(int Code, string Output, string Error)> RunAsync(params string[] arguments) =>
        RunAsync(new Dictionary<string, string?>(), arguments);

    /// <summary>Runs the gateway with <paramref name="environment"/> added to what it inherits, until it exits.</summary>
    public static async Task<(int Code, string Output, string Error)> RunAsync(IReadOnlyDictionary<string, string?> environment, params string[] arguments)
    {
        var start = StartInfo(arguments);
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("could not start the gateway");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        try
        {
            await process.WaitForExitAsync().WaitAsync(Timeout);
        }
        catch (TimeoutException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"The gateway ({string.Join(' ', arguments)}) did not exit within {Timeout}; it wrote:\n{await output}\n{await error}");
        }

        return (process.ExitCode, await output, await error);
    }

    /// <summary>The gateway's process with <paramref name="arguments"/>, both output streams redirected.</summary>
    public static ProcessStartInfo StartInfo(IEnumerable<string> arguments)
    {
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "MetricCollector.Gateway.dll"));
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        return start;
    }
}
