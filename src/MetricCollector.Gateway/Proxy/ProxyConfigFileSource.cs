using Microsoft.Extensions.Configuration.Json;

namespace MetricCollector.Gateway.Proxy;

/// <summary>
/// The proxy-config file as a configuration source: JSON, reloaded when it changes, and an edit that cannot be read
/// or a file that is missing keeps the routes of the last good one (see <see cref="ProxyConfigFileProvider"/>).
/// </summary>
internal sealed class ProxyConfigFileSource : JsonConfigurationSource
{
    /// <param name="fullPath">The file's full path.</param>
    public ProxyConfigFileSource(string fullPath)
    {
        FullPath = fullPath;
        Path = fullPath;
        Optional = false;
        // Reloaded on change by ProxyConfigFileProvider's own watch: the base class's reload empties the routes of
        // a missing file.
        ReloadOnChange = false;
        ResolveFileProvider();
    }

    /// <summary>The file's full path, for the log.</summary>
    public string FullPath { get; }

    /// <summary>Where a reload that failed is logged; set once the host is built (the first load throws instead).</summary>
    public ILogger? Logger { get; set; }

    public override IConfigurationProvider Build(IConfigurationBuilder builder)
    {
        EnsureDefaults(builder);
        return new ProxyConfigFileProvider(this);
    }
}
