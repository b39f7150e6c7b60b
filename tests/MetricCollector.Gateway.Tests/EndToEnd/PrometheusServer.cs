using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace MetricCollector.Gateway.Tests.EndToEnd;

/// <summary>
/// A real Prometheus server (Debian package <c>prometheus</c>) on a free loopback port, with its own configuration and
/// data directory, scraping the given targets every second with default scrape settings (so it negotiates OpenMetrics
/// as in production). Stopped and deleted on dispose.
/// </summary>
internal sealed class PrometheusServer : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);

    private readonly CapturedProcess _process;
    private readonly DirectoryInfo _directory;

    private PrometheusServer(CapturedProcess process, DirectoryInfo directory, Uri address)
    {
        _process = process;
        _directory = directory;
        Client = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(30) };
    }

    public HttpClient Client { get; }

    public static async Task<PrometheusServer> StartAsync(params Uri[] targets)
    {
        var directory = Directory.CreateTempSubdirectory("metric-collector-prometheus-");
        int port = LoopbackPorts.Free();
        var config = new StringBuilder("""
            global:
              scrape_interval: 1s
              scrape_timeout: 1s
              evaluation_interval: 1s
            scrape_configs:
              - job_name: gateway
                static_configs:
                  - targets:

            """);
        foreach (var target in targets)
        {
            config.Append(CultureInfo.InvariantCulture, $"        - '{target.Authority}'\n");
        }

        string configFile = Path.Combine(directory.FullName, "prometheus.yml");
        await File.WriteAllTextAsync(configFile, config.ToString());

        var start = new ProcessStartInfo("prometheus");
        start.ArgumentList.Add("--config.file=" + configFile);
        start.ArgumentList.Add("--storage.tsdb.path=" + Path.Combine(directory.FullName, "data"));
        start.ArgumentList.Add("--web.listen-address=127.0.0.1:" + port.ToString(CultureInfo.InvariantCulture));
        start.ArgumentList.Add("--log.level=warn");
        var server = new PrometheusServer(CapturedProcess.Start(start, "prometheus"), directory, new Uri($"http://127.0.0.1:{port}"));
        try
        {
            await server.WaitForTargetsUpAsync(targets.Length);
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }

        return server;
    }

    /// <summary>Runs an instant query and returns its result vector.</summary>
    public async Task<JsonElement> QueryAsync(string promql)
    {
        using var response = await Client.GetAsync("/api/v1/query?query=" + Uri.EscapeDataString(promql));
        string body = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"Prometheus refused '{promql}': {body}");
        }

        return JsonDocument.Parse(body).RootElement.GetProperty("data").GetProperty("result").Clone();
    }

    /// <summary>The value of a query whose result is one sample, or null when it has none.</summary>
    public async Task<double?> ScalarAsync(string promql)
    {
        var result = await QueryAsync(promql);
        if (result.GetArrayLength() == 0)
        {
            return null;
        }

        Assert.Equal(1, result.GetArrayLength());
        return double.Parse(result[0].GetProperty("value")[1].GetString()!, CultureInfo.InvariantCulture);
    }

    /// <summary>Polls until the query yields <paramref name="expected"/> (scrapes come every second), and returns the last value seen.</summary>
    public async Task<double?> EventuallyAsync(string promql, double expected, double tolerance = 0)
    {
        double? value = null;
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            value = await ScalarAsync(promql);
            if (value is double v && Math.Abs(v - expected) <= tolerance)
            {
                return v;
            }

            await Task.Delay(250);
        }

        return value;
    }

    private async Task WaitForTargetsUpAsync(int count)
    {
        var deadline = DateTime.UtcNow + StartTimeout;
        string last = "";
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException("prometheus exited: " + _process.Output);
            }

            try
            {
                last = await Client.GetStringAsync("/api/v1/targets?state=active");
                var targets = JsonDocument.Parse(last).RootElement.GetProperty("data").GetProperty("activeTargets");
                int up = 0;
                foreach (var target in targets.EnumerateArray())
                {
                    up += target.GetProperty("health").GetString() == "up" ? 1 : 0;
                }

                if (up == count)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            await Task.Delay(250);
        }

        throw new TimeoutException($"Prometheus did not see {count} targets up: {last}\n{_process.Output}");
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _process.DisposeAsync();
        _directory.Delete(recursive: true);
    }
}
