namespace MetricCollector.Gateway;

/// <summary>
/// The gateway's own switches, taken out of the arguments before ASP.NET reads the rest (<c>--urls</c>,
/// <c>--Section:Key=value</c>): <c>--proxy-config &lt;file&gt;</c> and <c>--demo</c>.
/// </summary>
/// <param name="ProxyConfigPath">The routes and clusters file, or null for the default.</param>
/// <param name="Demo">Start stand-ins of the three backends and route the clusters to them.</param>
/// <param name="Remaining">Every other argument, for ASP.NET.</param>
internal sealed record GatewayCommandLine(string? ProxyConfigPath, bool Demo, string[] Remaining)
{
    public static GatewayCommandLine Parse(string[] args)
    {
        string? proxyConfig = null;
        bool demo = false;
        var remaining = new List<string>(args.Length);
        for (int i = 0; i < args.Length; i++)
        {
            string arg = args[i];
            if (arg == "--demo")
            {
                demo = true;
            }
            else if (arg == "--proxy-config")
            {
                proxyConfig = i + 1 < args.Length
                    ? args[++i]
                    : throw new GatewayStartupException("--proxy-config needs a file: --proxy-config proxy-config/proxy-config.json");
            }
            else if (arg.StartsWith("--proxy-config=", StringComparison.Ordinal))
            {
                proxyConfig = arg["--proxy-config=".Length..];
            }
            else
            {
                remaining.Add(arg);
            }
        }

        return new GatewayCommandLine(proxyConfig, demo, [.. remaining]);
    }

    /// <summary>
    /// The proxy-config file: the one given, or the nearest <c>proxy-config/proxy-config.json</c> at or above the working
    /// directory (the repository's, also under <c>dotnet run</c>, which starts in the project folder), else the copy
    /// beside the binaries.
    /// </summary>
    public string ResolveProxyConfig()
    {
        if (ProxyConfigPath is not null)
        {
            string given = Path.GetFullPath(ProxyConfigPath);
            return File.Exists(given) ? given : throw new GatewayStartupException($"The proxy-config file '{given}' does not exist.");
        }

        string relative = Path.Combine("proxy-config", "proxy-config.json");
        for (var directory = new DirectoryInfo(Directory.GetCurrentDirectory()); directory is not null; directory = directory.Parent)
        {
            string candidate = Path.Combine(directory.FullName, relative);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        string besideBinaries = Path.Combine(AppContext.BaseDirectory, relative);
        return File.Exists(besideBinaries)
            ? besideBinaries
            : throw new GatewayStartupException($"No {relative} found at or above {Directory.GetCurrentDirectory()} nor beside the binaries; give one with --proxy-config <file>.");
    }
}
