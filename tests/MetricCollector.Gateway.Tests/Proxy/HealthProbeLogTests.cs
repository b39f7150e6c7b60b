using MetricCollector.Gateway.Proxy;
using Microsoft.Extensions.Logging;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;
using Yarp.ReverseProxy.Model;

namespace MetricCollector.Gateway.Tests.Proxy;

/// <summary>
/// A destination failing its active health probes is logged as one line when it starts failing (and once a minute
/// while it goes on), not with a stack trace on every probe; and once when it answers again.
/// </summary>
public sealed class HealthProbeLogTests : IAsyncLifetime
{
    private const string ProbeEverySecond = """
        "HealthCheck": { "Active": { "Enabled": true, "Interval": "00:00:01", "Timeout": "00:00:05", "Policy": "ConsecutiveFailures", "Path": "/health" } }
        """;

    private readonly WireMockServer _flaky = WireMockServer.Start();
    private readonly ProxyConfigFile _config = new();
    private readonly CapturedLogs _logs = new();
    private readonly RefusedPort _dead = RefusedPort.Hold();
    private RunningGateway _gateway = null!;

    public async Task InitializeAsync()
    {
        _flaky.Given(Request.Create().WithPath("/health")).RespondWith(Response.Create().WithStatusCode(503));
        _config
            .Route("flaky", "flaky", "/flaky/{**rest}")
            .Route("dead", "dead", "/dead/{**rest}")
            .Cluster("flaky", _flaky.Url!, ProbeEverySecond)
            .Cluster("dead", _dead.Url, ProbeEverySecond)
            .Write();
        _gateway = await RunningGateway.StartAsync(_logs, "--proxy-config", _config.Path);
    }

    public async Task DisposeAsync()
    {
        await _gateway.DisposeAsync();
        _flaky.Dispose();
        _config.Dispose();
        _logs.Dispose();
        _dead.Dispose();
    }

    private List<(LogLevel Level, int EventId, string Category, string Message)> ProbeLines(string cluster) =>
        [.. _logs.Entries.Where(e => e.Message.Contains($"(cluster '{cluster}')", StringComparison.Ordinal) && e.Message.Contains("probe", StringComparison.OrdinalIgnoreCase))];

    [Fact]
    public async Task Failing_probes_log_one_line_without_a_stack_trace_and_recovery_logs_one_more()
    {
        // Three probes of each cluster at least: the flaky one has answered three times, the dead one was tried as often.
        Assert.True(await Poll.UntilAsync(() => Task.FromResult(_flaky.LogEntries.Count >= 3)));
        // On a loaded machine the dead cluster's probes may lag the flaky one's: wait for its first line, then for more.
        Assert.True(await Poll.UntilAsync(() => Task.FromResult(ProbeLines("dead").Count >= 1)));
        await Task.Delay(2500);

        var dead = Assert.Single(ProbeLines("dead"));
        Assert.Equal(LogLevel.Warning, dead.Level);
        Assert.Contains("destination 'd1'", dead.Message, StringComparison.Ordinal);
        Assert.Contains($"127.0.0.1:{_dead.Port}", dead.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", dead.Message, StringComparison.Ordinal);
        var flaky = Assert.Single(ProbeLines("flaky"));
        Assert.Equal(LogLevel.Warning, flaky.Level);
        Assert.Contains("503", flaky.Message, StringComparison.Ordinal);
        // YARP's own warning for each failed probe (with the exception) is turned off in appsettings.json; its one
        // line when the health state changes (DestinationHealthUpdater) stays.
        Assert.DoesNotContain(_logs.Entries, e => e.Category == "Yarp.ReverseProxy.Health.ActiveHealthCheckMonitor" && e.Level >= LogLevel.Warning);

        _flaky.Reset();
        _flaky.Given(Request.Create().WithPath("/health")).RespondWith(Response.Create().WithStatusCode(200));
        Assert.True(await Poll.UntilAsync(() => Task.FromResult(ProbeLines("flaky").Count == 2)));
        var recovered = ProbeLines("flaky")[1];
        Assert.Equal(LogLevel.Information, recovered.Level);
        Assert.Contains("succeeds again", recovered.Message, StringComparison.Ordinal);
        await Task.Delay(1500);
        Assert.Equal(2, ProbeLines("flaky").Count);
    }

    [Fact]
    public void The_log_hears_of_clusters_a_reload_changes_or_removes()
    {
        // HealthProbeLogTimingTests prove what it does with them; this, that YARP tells the one the probes report to.
        var log = _gateway.Services.GetRequiredService<HealthProbeLog>();
        Assert.Contains(_gateway.Services.GetServices<IClusterChangeListener>(), l => ReferenceEquals(l, log));
    }
}
