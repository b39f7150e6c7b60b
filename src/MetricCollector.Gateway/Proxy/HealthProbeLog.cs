using System.Runtime.CompilerServices;
using Yarp.ReverseProxy.Health;
using Yarp.ReverseProxy.Model;

namespace MetricCollector.Gateway.Proxy;

/// <summary>
/// One line per change of a destination's active health probes, instead of YARP's warning with a stack trace on every
/// failed probe (turned off in appsettings.json): a warning when probes start failing, repeated once a minute while
/// they go on failing, and an information line when one succeeds again. <c>gateway_destination_healthy</c> has the
/// state at every scrape. What it knows of a destination or cluster that a config reload removes (or whose probes it
/// turns off) is forgotten, so that it neither stays for the life of the process nor makes the same id, back later,
/// "still failing".
/// </summary>
/// <remarks>
/// YARP probes from the moment it loads the proxy configuration, before the server has bound its ports. A destination
/// that fails before the host has started is logged when it starts (if it is still failing then), so that a start that
/// fails, on a port in use say, ends with its one line rather than after warnings about backends.
/// </remarks>
internal sealed partial class HealthProbeLog : IClusterChangeListener
{
    private static readonly TimeSpan RepeatEvery = TimeSpan.FromMinutes(1);
    private readonly Dictionary<(string Cluster, string Destination), Failing> _failing = [];
    private readonly ILogger<HealthProbeLog> _logger;
    private readonly TimeProvider _time;
    private bool _started;

    // Clusters a reload removed: a round of probes in flight then still completes, and must not bring them back.
    // Weak, as YARP drops them; a cluster added again under the same id is a new ClusterState.
    private readonly ConditionalWeakTable<ClusterState, object> _removed = [];

    /// <param name="logger">Where the lines go.</param>
    /// <param name="time">The clock of the once-a-minute repeat.</param>
    /// <param name="lifetime">The host's: failures are held until it has started.</param>
    public HealthProbeLog(ILogger<HealthProbeLog> logger, TimeProvider time, IHostApplicationLifetime lifetime)
    {
        _logger = logger;
        _time = time;
        lifetime.ApplicationStarted.Register(LogHeldFailures);
    }

    /// <summary>Notes the results of one round of probes of <paramref name="cluster"/>.</summary>
    public void Completed(ClusterState cluster, IReadOnlyList<DestinationProbingResult> results)
    {
        lock (_failing)
        {
            if (_removed.TryGetValue(cluster, out _) || !IsProbed(cluster))
            {
                // A round that was in flight when a reload removed the cluster or turned its probes off, which
                // forgot it then: left out, it adds nothing back (nor touches a cluster added since under its id).
                return;
            }

            foreach (var result in results)
            {
                var key = (cluster.ClusterId, result.Destination.DestinationId);
                string? problem = ProblemOf(result);
                bool wasFailing = _failing.TryGetValue(key, out var failing);
                if (problem is null)
                {
                    if (wasFailing)
                    {
                        _failing.Remove(key);
                        if (failing!.HeldProblem is null)
                        {
                            LogRecovered(_logger, key.DestinationId, key.ClusterId, failing.Count);
                        }
                    }

                    continue;
                }

                var now = _time.GetUtcNow();
                if (!wasFailing)
                {
                    _failing[key] = new Failing { Count = 1, LoggedAt = now, HeldProblem = _started ? null : problem };
                    if (_started)
                    {
                        LogFailing(_logger, key.DestinationId, key.ClusterId, problem);
                    }

                    continue;
                }

                failing!.Count++;
                if (failing.HeldProblem is not null)
                {
                    failing.HeldProblem = problem;
                }
                else if (now - failing.LoggedAt >= RepeatEvery)
                {
                    failing.LoggedAt = now;
                    LogStillFailing(_logger, key.DestinationId, key.ClusterId, failing.Count, problem);
                }
            }

            // A round probes every destination the cluster has: one a reload removed is not coming back under it.
            Forget(cluster.ClusterId, cluster);
        }
    }

    /// <inheritdoc/>
    public void OnClusterAdded(ClusterState cluster)
    {
    }

    /// <inheritdoc/>
    public void OnClusterChanged(ClusterState cluster)
    {
        lock (_failing)
        {
            // Probes turned off: no round will report this cluster again until they are back, as if new.
            Forget(cluster.ClusterId, IsProbed(cluster) ? cluster : null);
        }
    }

    /// <inheritdoc/>
    public void OnClusterRemoved(ClusterState cluster)
    {
        lock (_failing)
        {
            _removed.AddOrUpdate(cluster, cluster);
            Forget(cluster.ClusterId, cluster: null);
        }
    }

    /// <summary>The host has started: the destinations failing since before are logged now, as first failures.</summary>
    private void LogHeldFailures()
    {
        lock (_failing)
        {
            _started = true;
            var now = _time.GetUtcNow();
            foreach (var (key, failing) in _failing)
            {
                if (failing.HeldProblem is { } problem)
                {
                    failing.HeldProblem = null;
                    failing.LoggedAt = now;
                    LogFailing(_logger, key.Destination, key.Cluster, problem);
                }
            }
        }
    }

    private static bool IsProbed(ClusterState cluster) => cluster.Model.Config.HealthCheck?.Active?.Enabled == true;

    /// <summary>
    /// Drops the failing destinations of cluster <paramref name="clusterId"/>: all of them, or, given the
    /// <paramref name="cluster"/>, those it no longer has.
    /// </summary>
    private void Forget(string clusterId, ClusterState? cluster)
    {
        foreach (var key in _failing.Keys)
        {
            if (key.Cluster == clusterId && (cluster is null || !cluster.Destinations.ContainsKey(key.Destination)))
            {
                // Removing while enumerating a Dictionary is allowed (and keeps the enumeration valid).
                _failing.Remove(key);
            }
        }
    }

    /// <summary>Why a probe failed, as YARP's ConsecutiveFailures policy judges it; null when it succeeded.</summary>
    private static string? ProblemOf(DestinationProbingResult result) => result switch
    {
        { Exception: OperationCanceledException } => "no answer within the probe timeout",
        { Exception: { } e } => e.Message,
        { Response: null } => "no response",
        { Response.IsSuccessStatusCode: false } => $"HTTP {(int)result.Response.StatusCode}",
        _ => null,
    };

    private sealed class Failing
    {
        public int Count { get; set; }

        public DateTimeOffset LoggedAt { get; set; }

        /// <summary>The last problem of a destination failing since before the host started, not logged yet.</summary>
        public string? HeldProblem { get; set; }
    }

    [LoggerMessage(EventId = 30, Level = LogLevel.Warning, Message = "Health probe of destination '{Destination}' (cluster '{Cluster}') failed: {Problem}; logged again once a minute while it keeps failing")]
    private static partial void LogFailing(ILogger logger, string destination, string cluster, string problem);

    [LoggerMessage(EventId = 31, Level = LogLevel.Warning, Message = "Health probe of destination '{Destination}' (cluster '{Cluster}') still failing, {Count} probes in a row: {Problem}")]
    private static partial void LogStillFailing(ILogger logger, string destination, string cluster, int count, string problem);

    [LoggerMessage(EventId = 32, Level = LogLevel.Information, Message = "Health probe of destination '{Destination}' (cluster '{Cluster}') succeeds again after {Count} failed probes")]
    private static partial void LogRecovered(ILogger logger, string destination, string cluster, int count);
}
