using Yarp.ReverseProxy.Configuration;

namespace MetricCollector.Gateway.Proxy;

/// <summary>
/// One error line, naming the proxy-config file and what is wrong, when YARP refuses a reloaded proxy configuration
/// (a destination address that is not an http or https URL, a route without <c>Match</c>) and keeps the one it had.
/// YARP's own line says only "Failed to apply the new config." and hides the cause two exceptions deep under a stack
/// trace; it is turned off in appsettings.json. A retry of the same refused configuration within a few seconds is not
/// logged again: one write of the file can be seen as two changes, and a reload of any other source (appsettings.json)
/// makes YARP try it again. Any other refused edit is logged, however alike its problems.
/// </summary>
internal sealed partial class ProxyConfigReloadLog(ILogger<ProxyConfigReloadLog> logger, string proxyConfigPath, TimeProvider time) : IConfigChangeListener
{
    private static readonly TimeSpan RepeatWithin = TimeSpan.FromSeconds(5);
    private readonly Lock _lock = new();
    private string? _problems;
    private List<object>? _configuration;
    private DateTimeOffset _loggedAt;

    public void ConfigurationLoadingFailed(IProxyConfigProvider configProvider, Exception exception) => Refused(null, exception);

    public void ConfigurationLoaded(IReadOnlyList<IProxyConfig> proxyConfigs)
    {
    }

    public void ConfigurationApplyingFailed(IReadOnlyList<IProxyConfig> proxyConfigs, Exception exception) => Refused(proxyConfigs, exception);

    public void ConfigurationApplied(IReadOnlyList<IProxyConfig> proxyConfigs)
    {
        lock (_lock)
        {
            _problems = null;
            _configuration = null;
        }
    }

    private void Refused(IReadOnlyList<IProxyConfig>? proxyConfigs, Exception exception)
    {
        string problems = Problems(exception);
        var configuration = Contents(proxyConfigs);
        var now = time.GetUtcNow();
        lock (_lock)
        {
            if (problems == _problems && SameContents(configuration, _configuration) && now - _loggedAt < RepeatWithin)
            {
                return;
            }

            _problems = problems;
            _configuration = configuration;
            _loggedAt = now;
        }

        LogRefused(logger, proxyConfigPath, problems);
    }

    /// <summary>Every route and cluster of <paramref name="proxyConfigs"/>: YARP's config records compare by value.</summary>
    private static List<object>? Contents(IReadOnlyList<IProxyConfig>? proxyConfigs)
    {
        if (proxyConfigs is null)
        {
            return null;
        }

        var contents = new List<object>();
        foreach (var config in proxyConfigs)
        {
            contents.AddRange(config.Routes);
            contents.Add(Separator.Instance);
            contents.AddRange(config.Clusters);
            contents.Add(Separator.Instance);
        }

        return contents;
    }

    private static bool SameContents(List<object>? a, List<object>? b)
    {
        if (a is null || b is null)
        {
            return a is null && b is null;
        }

        if (a.Count != b.Count)
        {
            return false;
        }

        for (int i = 0; i < a.Count; i++)
        {
            if (!a[i].Equals(b[i]))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// The innermost message of each of YARP's errors: it wraps a filter's exception (DestinationAddressFilter's,
    /// which names the cluster, destination and address) in one of its own, and collects them all in an aggregate.
    /// </summary>
    private static string Problems(Exception exception)
    {
        if (exception is not AggregateException all)
        {
            return exception.GetBaseException().Message;
        }

        var problems = new List<string>();
        foreach (var inner in all.Flatten().InnerExceptions)
        {
            string problem = inner.GetBaseException().Message;
            if (!problems.Contains(problem))
            {
                problems.Add(problem);
            }
        }

        return string.Join(" ", problems);
    }

    /// <summary>Ends one config's routes or clusters, so that a route moved between lists is a difference.</summary>
    private sealed class Separator
    {
        public static readonly Separator Instance = new();
    }

    [LoggerMessage(EventId = 16, Level = LogLevel.Error,
        Message = "The proxy configuration (the ReverseProxy section: the proxy-config file '{Path}' and any overrides) was changed but is not valid, so the gateway keeps the routes and clusters it had: {Problems}")]
    private static partial void LogRefused(ILogger logger, string path, string problems);
}
