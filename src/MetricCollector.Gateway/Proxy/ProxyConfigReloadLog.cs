using Yarp.ReverseProxy.Configuration;

namespace MetricCollector.Gateway.Proxy;

/// <summary>
/// One error line, naming the proxy-config file and what is wrong, when YARP refuses a reloaded proxy configuration
/// (a destination address that is not an http or https URL, a route without <c>Match</c>) and keeps the one it had.
/// YARP's own line says only "Failed to apply the new config." and hides the cause two exceptions deep under a stack
/// trace; it is turned off in appsettings.json. The same problems are logged once until a configuration applies: one
/// write of the file can be seen as two changes, and a reload of any other source (appsettings.json) makes YARP try
/// the refused configuration again.
/// </summary>
internal sealed partial class ProxyConfigReloadLog(ILogger<ProxyConfigReloadLog> logger, string proxyConfigPath) : IConfigChangeListener
{
    private readonly Lock _lock = new();
    private string? _logged;

    public void ConfigurationLoadingFailed(IProxyConfigProvider configProvider, Exception exception) => Refused(exception);

    public void ConfigurationLoaded(IReadOnlyList<IProxyConfig> proxyConfigs)
    {
    }

    public void ConfigurationApplyingFailed(IReadOnlyList<IProxyConfig> proxyConfigs, Exception exception) => Refused(exception);

    public void ConfigurationApplied(IReadOnlyList<IProxyConfig> proxyConfigs)
    {
        lock (_lock)
        {
            _logged = null;
        }
    }

    private void Refused(Exception exception)
    {
        string problems = Problems(exception);
        lock (_lock)
        {
            if (problems == _logged)
            {
                return;
            }

            _logged = problems;
        }

        LogRefused(logger, proxyConfigPath, problems);
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

    [LoggerMessage(EventId = 16, Level = LogLevel.Error,
        Message = "The proxy configuration (the ReverseProxy section: the proxy-config file '{Path}' and any overrides) was changed but is not valid, so the gateway keeps the routes and clusters it had: {Problems}")]
    private static partial void LogRefused(ILogger logger, string path, string problems);
}
