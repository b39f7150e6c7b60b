using Microsoft.Extensions.Configuration.Json;

namespace MetricCollector.Gateway.Proxy;

/// <summary>
/// Reads the proxy-config file. At start a file that is not JSON fails the start (GatewayApplication reports it); on a
/// reload it is logged and the last good content stays. The JSON provider would instead empty its data and throw
/// into the file watcher, which drops the exception: YARP kept its routes only until the next reload of any other
/// source (appsettings.json), which then found no routes at all.
/// </summary>
internal sealed partial class ProxyConfigFileProvider(ProxyConfigFileSource source) : JsonConfigurationProvider(source)
{
    private bool _loaded;

    public override void Load(Stream stream)
    {
        if (!_loaded)
        {
            base.Load(stream);
            _loaded = true;
            return;
        }

        try
        {
            base.Load(stream);
        }
        catch (FormatException e)
        {
            // base.Load replaces the data only once the file is parsed, so the last good content is still there.
            if (source.Logger is { } logger)
            {
                LogUnreadable(logger, source.FullPath, e.InnerException?.Message ?? e.Message);
            }
        }
    }

    [LoggerMessage(EventId = 11, Level = LogLevel.Warning,
        Message = "The proxy-config file '{Path}' could not be read, so the gateway keeps the routes and clusters it had: {Problem}")]
    private static partial void LogUnreadable(ILogger logger, string path, string problem);
}
