using Microsoft.Extensions.Configuration.Json;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Primitives;

namespace MetricCollector.Gateway.Proxy;

/// <summary>
/// Reads the proxy-config file. At start a file that is not JSON fails the start (GatewayApplication reports it); on a
/// reload it is logged and the last good content stays. The JSON provider would instead empty its data and throw
/// into the file watcher, which drops the exception: YARP kept its routes only until the next reload of any other
/// source (appsettings.json), which then found no routes at all. A file that is missing on a reload (moved away, or
/// deleted by an editor that writes it anew) also keeps the last good content: the file provider's own reload would
/// empty the data and drop every route, silently.
/// </summary>
internal sealed partial class ProxyConfigFileProvider : JsonConfigurationProvider
{
    private readonly ProxyConfigFileSource _source;
    private readonly IDisposable _watch;
    private readonly PhysicalFileProvider? _ownedFiles;
    private bool _loaded;

    // The problem last warned about, until the file is read well again or goes missing.
    private string? _warnedProblem;

    public ProxyConfigFileProvider(ProxyConfigFileSource source)
        : base(source)
    {
        _source = source;

        // The source leaves ReloadOnChange off so that this watch, not the base class's, reloads the file. It watches
        // through a file provider of its own, disposed with it: the source's, once built by a ConfigurationManager,
        // is disposed by no one, and its watcher would hold an inotify instance (128 per user by default) until the
        // process ends, one more for every host built in the process.
        var files = source.FileProvider ?? throw new InvalidOperationException("The proxy-config source has no file provider.");
        if (files is PhysicalFileProvider physical)
        {
            files = _ownedFiles = new PhysicalFileProvider(physical.Root);
        }

        _watch = ChangeToken.OnChange(() => files.Watch(source.Path!), Reload);
    }

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
            _warnedProblem = null;
        }
        catch (FormatException e)
        {
            // base.Load replaces the data only once the file is parsed, so the last good content is still there.
            LogUnreadable(e.InnerException?.Message ?? e.Message);
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _watch.Dispose();
            _ownedFiles?.Dispose();
        }

        base.Dispose(disposing);
    }

    private void Reload()
    {
        // As the base class does: a change can be signalled before the writer is done.
        Thread.Sleep(_source.ReloadDelay);
        if (!File.Exists(_source.FullPath))
        {
            LogMissing();
            return;
        }

        try
        {
            // Loads as at start, which throws rather than emptying the data, and raises the reload for YARP.
            Load();
        }
        catch (Exception e) when (e is IOException or InvalidDataException)
        {
            // Gone again since the check, or locked by its writer: the next change loads it.
            LogUnreadable(e.InnerException?.Message ?? e.Message);
        }
    }

    private void LogUnreadable(string problem)
    {
        // One write of the file is often seen as two changes (truncated, then written), each reloading the same bad
        // content: a problem is said once, and again only after the file was read well or went missing in between.
        if (_source.Logger is not { } logger || problem == _warnedProblem)
        {
            return;
        }

        _warnedProblem = problem;
        LogUnreadable(logger, _source.FullPath, problem);
    }

    private void LogMissing()
    {
        _warnedProblem = null;
        if (_source.Logger is { } logger)
        {
            LogMissing(logger, _source.FullPath);
        }
    }

    [LoggerMessage(EventId = 11, Level = LogLevel.Warning,
        Message = "The proxy-config file '{Path}' could not be read, so the gateway keeps the routes and clusters it had: {Problem}")]
    private static partial void LogUnreadable(ILogger logger, string path, string problem);

    [LoggerMessage(EventId = 12, Level = LogLevel.Warning,
        Message = "The proxy-config file '{Path}' is missing, so the gateway keeps the routes and clusters it had; they change when the file is back")]
    private static partial void LogMissing(ILogger logger, string path);
}
