using System.Net;
using MetricCollector.Gateway.Proxy;
using Microsoft.Extensions.Hosting.Internal;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Yarp.ReverseProxy.Configuration;
using Yarp.ReverseProxy.Health;
using Yarp.ReverseProxy.Model;

namespace MetricCollector.Gateway.Tests.Proxy;

/// <summary>
/// <see cref="HealthProbeLog"/> against a fake clock, fed rounds of probes as YARP's ActiveHealthCheckMonitor does:
/// the first failure is a warning, the repeat comes once a minute while the probes go on failing, recovery is one
/// line, each destination of each cluster on its own, and what a config reload removes is forgotten.
/// </summary>
public sealed class HealthProbeLogTimingTests : IDisposable
{
    private const int Failing = 30;
    private const int StillFailing = 31;
    private const int Recovered = 32;

    private static readonly HttpMessageInvoker Invoker = new(new SocketsHttpHandler());

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero));
    private readonly CapturedLogs _logs = new();
    private readonly ILoggerFactory _loggers;
    private ApplicationLifetime _lifetime = new(NullLogger<ApplicationLifetime>.Instance);
    private HealthProbeLog _log;

    // "<seconds> s: <event id> <destination> <cluster> [<count>]" for each line logged, in order.
    private readonly List<string> _timeline = [];

    public HealthProbeLogTimingTests()
    {
        _loggers = LoggerFactory.Create(b => b.AddProvider(_logs).SetMinimumLevel(LogLevel.Trace));
        _log = new HealthProbeLog(_loggers.CreateLogger<HealthProbeLog>(), _time, _lifetime);
        _lifetime.NotifyStarted();
    }

    public void Dispose() => _loggers.Dispose();

    private List<(LogLevel Level, int EventId, string Category, string Message)> Lines => [.. _logs.Entries];

    [Fact]
    public void Probes_failing_for_59_seconds_after_the_first_are_not_logged_again()
    {
        var cluster = Cluster("c1", "d1");

        Round(cluster, Fails("d1"));
        for (int second = 1; second <= 59; second++)
        {
            _time.Advance(TimeSpan.FromSeconds(1));
            Round(cluster, Fails("d1"));
        }

        var line = Assert.Single(Lines);
        Assert.Equal((LogLevel.Warning, Failing), (line.Level, line.EventId));
        Assert.Equal("Health probe of destination 'd1' (cluster 'c1') failed: HTTP 503; logged again once a minute while it keeps failing", line.Message);
    }

    [Fact]
    public void Probes_still_failing_a_minute_after_the_first_are_logged_again_with_the_count_then_a_minute_after_that()
    {
        var cluster = Cluster("c1", "d1");
        Round(cluster, Fails("d1"));

        // A probe every second: the 61st, at 60 s, repeats the warning; the next 59 do not; the 121st, at 120 s, does.
        for (int second = 1; second <= 60; second++)
        {
            _time.Advance(TimeSpan.FromSeconds(1));
            Round(cluster, Fails("d1"));
        }

        Assert.Equal(2, Lines.Count);
        var repeat = Lines[1];
        Assert.Equal((LogLevel.Warning, StillFailing), (repeat.Level, repeat.EventId));
        Assert.Equal("Health probe of destination 'd1' (cluster 'c1') still failing, 61 probes in a row: HTTP 503", repeat.Message);

        for (int second = 61; second <= 119; second++)
        {
            _time.Advance(TimeSpan.FromSeconds(1));
            Round(cluster, Fails("d1"));
        }

        Assert.Equal(2, Lines.Count);
        _time.Advance(TimeSpan.FromSeconds(1));
        Round(cluster, Fails("d1"));
        Assert.Equal(3, Lines.Count);
        Assert.Equal(StillFailing, Lines[2].EventId);
        Assert.Contains("still failing, 121 probes in a row: HTTP 503", Lines[2].Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_next_repeat_is_a_minute_after_the_last_one_not_after_the_first_failure()
    {
        var cluster = Cluster("c1", "d1");
        Round(cluster, Fails("d1"));

        // Probes every 25 s: the first repeat at 75 s, the next at 150 s; not at 125 s, which is past the second
        // minute since the first failure but only 50 s after the last repeat.
        for (int probe = 1; probe <= 5; probe++)
        {
            _time.Advance(TimeSpan.FromSeconds(25));
            Round(cluster, Fails("d1"));
        }

        Assert.Equal([Failing, StillFailing], Lines.Select(l => l.EventId));
        Assert.Contains("4 probes in a row", Lines[1].Message, StringComparison.Ordinal);
        _time.Advance(TimeSpan.FromSeconds(25));
        Round(cluster, Fails("d1"));
        Assert.Equal([Failing, StillFailing, StillFailing], Lines.Select(l => l.EventId));
        Assert.Contains("7 probes in a row", Lines[2].Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Recovery_is_logged_once_with_the_count_and_a_new_failure_is_a_first_warning_again()
    {
        var cluster = Cluster("c1", "d1");
        Round(cluster, Ok("d1"));
        Assert.Empty(Lines);

        for (int probe = 0; probe < 12; probe++)
        {
            Round(cluster, Fails("d1"));
            _time.Advance(TimeSpan.FromSeconds(10));
        }

        Round(cluster, Ok("d1"));
        _time.Advance(TimeSpan.FromSeconds(10));
        Round(cluster, Ok("d1"));

        Assert.Equal([Failing, StillFailing, Recovered], Lines.Select(l => l.EventId));
        var recovered = Lines[2];
        Assert.Equal(LogLevel.Information, recovered.Level);
        Assert.Equal("Health probe of destination 'd1' (cluster 'c1') succeeds again after 12 failed probes", recovered.Message);

        // Failing again: the first line again, and the repeat a full minute after it, counting from one.
        Round(cluster, Fails("d1"));
        Assert.Equal(Failing, Lines[3].EventId);
        _time.Advance(TimeSpan.FromSeconds(59));
        Round(cluster, Fails("d1"));
        Assert.Equal(4, Lines.Count);
        _time.Advance(TimeSpan.FromSeconds(1));
        Round(cluster, Fails("d1"));
        Assert.Equal(StillFailing, Lines[4].EventId);
        Assert.Contains("still failing, 3 probes in a row", Lines[4].Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Destinations_and_clusters_are_tracked_each_on_its_own()
    {
        var c1 = Cluster("c1", "d1", "d2");
        var c2 = Cluster("c2", "d1");

        // c1/d1 fails from 0 s, c1/d2 from 30 s, c2/d1 (the same destination id in another cluster) from 45 s.
        for (int second = 0; second <= 120; second += 5)
        {
            Round(c1, Fails("d1"), second >= 30 ? Fails("d2", status: HttpStatusCode.NotFound) : Ok("d2"));
            Round(c2, second >= 45 ? Fails("d1", new HttpRequestException("Connection refused (127.0.0.1:5102)")) : Ok("d1"));
            if (second == 100)
            {
                // c1/d1 recovers; the others go on failing.
                Round(c1, Ok("d1"), Fails("d2", status: HttpStatusCode.NotFound));
            }

            _time.Advance(TimeSpan.FromSeconds(5));
        }

        string[] expected =
        [
            "0 s: 30 d1 c1",
            "30 s: 30 d2 c1",
            "45 s: 30 d1 c2",
            "60 s: 31 d1 c1 13",
            "90 s: 31 d2 c1 13",
            "100 s: 32 d1 c1 21",
            "105 s: 30 d1 c1",
            "105 s: 31 d1 c2 13",
        ];
        Assert.Equal(expected, _timeline);
        Assert.Contains(Lines, l => l.Message.Contains("(cluster 'c1') still failing, 13 probes in a row: HTTP 404", StringComparison.Ordinal));
        Assert.Contains(Lines, l => l.Message.Contains("(cluster 'c2') still failing, 13 probes in a row: Connection refused (127.0.0.1:5102)", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("timeout", "no answer within the probe timeout")]
    [InlineData("canceled-task", "no answer within the probe timeout")]
    [InlineData("refused", "Connection refused (127.0.0.1:5101)")]
    [InlineData("500", "HTTP 500")]
    [InlineData("none", "no response")]
    public void Each_kind_of_failure_is_described(string kind, string problem)
    {
        var cluster = Cluster("c1", "d1");
        Func<ClusterState, DestinationProbingResult> result = kind switch
        {
            // HttpClient's own timeout is a TaskCanceledException, YARP's probe timeout an OperationCanceledException.
            "timeout" => Fails("d1", new OperationCanceledException()),
            "canceled-task" => Fails("d1", new TaskCanceledException()),
            "refused" => Fails("d1", new HttpRequestException("Connection refused (127.0.0.1:5101)")),
            "500" => Fails("d1", status: HttpStatusCode.InternalServerError),
            _ => c => new DestinationProbingResult(c.Destinations["d1"], null, null),
        };

        Round(cluster, result);
        _time.Advance(TimeSpan.FromMinutes(1));
        Round(cluster, result);

        Assert.Equal($"Health probe of destination 'd1' (cluster 'c1') failed: {problem}; logged again once a minute while it keeps failing", Lines[0].Message);
        Assert.Equal($"Health probe of destination 'd1' (cluster 'c1') still failing, 2 probes in a row: {problem}", Lines[1].Message);
    }

    [Fact]
    public void A_destination_a_reload_removed_is_forgotten_so_back_and_failing_it_is_a_first_warning()
    {
        var cluster = Cluster("c1", "d1", "d2");
        Round(cluster, Fails("d1"), Ok("d2"));

        // A reload takes d1 away; the rounds after it probe d2 only.
        cluster.Destinations.TryRemove("d1", out _);
        _time.Advance(TimeSpan.FromSeconds(10));
        Round(cluster, Ok("d2"));

        // Two minutes later another reload brings d1 back, still failing.
        _time.Advance(TimeSpan.FromMinutes(2));
        cluster.Destinations["d1"] = new DestinationState("d1");
        Round(cluster, Fails("d1"), Ok("d2"));

        Assert.Equal([Failing, Failing], Lines.Select(l => l.EventId));
        Assert.Contains("failed: HTTP 503", Lines[1].Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_cluster_a_reload_removed_is_forgotten_also_when_a_round_of_it_completes_afterwards()
    {
        var removed = Cluster("c1", "d1");
        Round(removed, Fails("d1"));

        _log.OnClusterRemoved(removed);
        // A round that was in flight when the cluster was removed is not logged, and leaves nothing behind.
        _time.Advance(TimeSpan.FromMinutes(1));
        Round(removed, Fails("d1"));
        Assert.Single(Lines);

        // The same id added again by a later reload is a new cluster: its first failure is a first warning.
        _time.Advance(TimeSpan.FromMinutes(1));
        var added = Cluster("c1", "d1");
        _log.OnClusterAdded(added);
        Round(added, Fails("d1"));
        Assert.Equal([Failing, Failing], Lines.Select(l => l.EventId));
    }

    [Fact]
    public void A_cluster_whose_probes_a_reload_turned_off_is_forgotten_until_they_are_back()
    {
        var cluster = Cluster("c1", "d1");
        Round(cluster, Fails("d1"));

        // YARP changes the ClusterState's model in place; a state with the same id and destinations stands for it.
        var off = Cluster("c1", probed: false, "d1");
        _log.OnClusterChanged(off);
        Round(off, Fails("d1"));
        Assert.Single(Lines);

        _time.Advance(TimeSpan.FromMinutes(5));
        var on = Cluster("c1", "d1");
        _log.OnClusterChanged(on);
        Round(on, Fails("d1"));
        Assert.Equal([Failing, Failing], Lines.Select(l => l.EventId));
    }

    [Fact]
    public void A_reload_that_changes_a_cluster_keeps_the_failing_state_of_the_destinations_it_still_has()
    {
        var cluster = Cluster("c1", "d1", "d2");
        Round(cluster, Fails("d1"), Fails("d2"));

        cluster.Destinations.TryRemove("d2", out _);
        _log.OnClusterChanged(cluster);
        _time.Advance(TimeSpan.FromMinutes(1));
        Round(cluster, Fails("d1"));

        Assert.Equal([Failing, Failing, StillFailing], Lines.Select(l => l.EventId));
        Assert.Contains("destination 'd1' (cluster 'c1') still failing, 2 probes in a row", Lines[2].Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Failures_before_the_host_starts_are_logged_when_it_starts_and_repeat_a_minute_after_that()
    {
        HostNotStartedYet();
        var cluster = Cluster("c1", "d1");
        Round(cluster, Fails("d1", new HttpRequestException("Connection refused (127.0.0.1:5101)")));
        _time.Advance(TimeSpan.FromSeconds(5));
        Round(cluster, Fails("d1"));
        Assert.Empty(Lines);

        _time.Advance(TimeSpan.FromSeconds(5));
        _lifetime.NotifyStarted();
        var first = Assert.Single(Lines);
        Assert.Equal((LogLevel.Warning, Failing), (first.Level, first.EventId));
        Assert.Equal("Health probe of destination 'd1' (cluster 'c1') failed: HTTP 503; logged again once a minute while it keeps failing", first.Message);

        _time.Advance(TimeSpan.FromSeconds(59));
        Round(cluster, Fails("d1"));
        Assert.Single(Lines);
        _time.Advance(TimeSpan.FromSeconds(1));
        Round(cluster, Fails("d1"));
        Assert.Equal([Failing, StillFailing], Lines.Select(l => l.EventId));
        Assert.Contains("still failing, 4 probes in a row: HTTP 503", Lines[1].Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_destination_that_recovers_before_the_host_starts_is_never_logged()
    {
        HostNotStartedYet();
        var cluster = Cluster("c1", "d1", "d2");
        Round(cluster, Fails("d1"), Fails("d2"));
        _time.Advance(TimeSpan.FromSeconds(5));
        Round(cluster, Ok("d1"), Fails("d2"));

        _lifetime.NotifyStarted();
        _time.Advance(TimeSpan.FromSeconds(5));
        Round(cluster, Ok("d1"), Ok("d2"));

        Assert.Equal([Failing, Recovered], Lines.Select(l => l.EventId));
        Assert.All(Lines, l => Assert.Contains("destination 'd2'", l.Message, StringComparison.Ordinal));
    }

    // A log whose host has not started: YARP's first probes run while the host is still starting.
    private void HostNotStartedYet()
    {
        _lifetime = new ApplicationLifetime(NullLogger<ApplicationLifetime>.Instance);
        _log = new HealthProbeLog(_loggers.CreateLogger<HealthProbeLog>(), _time, _lifetime);
    }

    private static ClusterState Cluster(string id, params string[] destinations) => Cluster(id, probed: true, destinations);

    private static ClusterState Cluster(string id, bool probed, params string[] destinations)
    {
        var config = new ClusterConfig
        {
            ClusterId = id,
            HealthCheck = new HealthCheckConfig { Active = new ActiveHealthCheckConfig { Enabled = probed } },
        };
        var cluster = new ClusterState(id, new ClusterModel(config, Invoker));
        foreach (string destination in destinations)
        {
            cluster.Destinations[destination] = new DestinationState(destination);
        }

        return cluster;
    }

    private void Round(ClusterState cluster, params Func<ClusterState, DestinationProbingResult>[] probes)
    {
        var results = probes.Select(p => p(cluster)).ToList();
        int before = _logs.Entries.Count;
        _log.Completed(cluster, results);
        var elapsed = _time.GetUtcNow() - new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);
        foreach (var line in _logs.Entries.Skip(before))
        {
            string count = CountIn(line.Message) is { } n ? " " + n : "";
            _timeline.Add($"{(int)elapsed.TotalSeconds} s: {line.EventId} {Quoted(line.Message, "destination '")} {Quoted(line.Message, "cluster '")}{count}");
        }

        foreach (var result in results)
        {
            result.Response?.Dispose();
        }
    }

    private static Func<ClusterState, DestinationProbingResult> Fails(string destination, Exception? exception = null, HttpStatusCode status = HttpStatusCode.ServiceUnavailable) =>
        cluster => exception is null
            ? new DestinationProbingResult(cluster.Destinations[destination], new HttpResponseMessage(status), null)
            : new DestinationProbingResult(cluster.Destinations[destination], null, exception);

    private static Func<ClusterState, DestinationProbingResult> Ok(string destination) =>
        cluster => new DestinationProbingResult(cluster.Destinations[destination], new HttpResponseMessage(HttpStatusCode.OK), null);

    private static string Quoted(string message, string after)
    {
        int start = message.IndexOf(after, StringComparison.Ordinal) + after.Length;
        return message[start..message.IndexOf('\'', start)];
    }

    private static string? CountIn(string message)
    {
        foreach (string marker in new[] { "still failing, ", "succeeds again after " })
        {
            int at = message.IndexOf(marker, StringComparison.Ordinal);
            if (at >= 0)
            {
                int start = at + marker.Length;
                return message[start..message.IndexOf(' ', start)];
            }
        }

        return null;
    }
}
