using System.Diagnostics;
using System.Text;

namespace MetricCollector.Gateway.Tests;

/// <summary>
/// A server the tests run as a child process: its standard output and error are read as they come, so that it never
/// blocks on a full pipe, and kept for failure messages. Killed when disposed.
/// </summary>
internal sealed class CapturedProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private CapturedProcess(Process process) => _process = process;

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

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

    /// <summary>Starts <paramref name="start"/> (its streams redirected here); <paramref name="name"/> names it in errors.</summary>
    public static CapturedProcess Start(ProcessStartInfo start, string name)
    {
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        start.UseShellExecute = false;
        var captured = new CapturedProcess(Process.Start(start) ?? throw new InvalidOperationException("could not start " + name));
        captured._process.OutputDataReceived += (_, line) => captured.Append(line.Data);
        captured._process.ErrorDataReceived += (_, line) => captured.Append(line.Data);
        captured._process.BeginOutputReadLine();
        captured._process.BeginErrorReadLine();
        return captured;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        await _process.WaitForExitAsync();
        _process.Dispose();
    }

    private void Append(string? line)
    {
        if (line is not null)
        {
            lock (_output)
            {
                _output.AppendLine(line);
            }
        }
    }
}
