namespace MetricCollector.Gateway;

/// <summary>
/// The gateway's own switches, taken out of the arguments before ASP.NET reads the rest (<c>--urls</c>,
/// <c>--Section:Key=value</c>): <c>--proxy-config &lt;file&gt;</c>, <c>--demo</c> and <c>--help</c>. ASP.NET would take
/// any <c>--name value</c> as a setting, so a mistyped switch would be ignored and could swallow the argument after it;
/// an argument is therefore refused unless it is one of these switches, a setting with a section (<c>--Section:Key</c>),
/// or one of ASP.NET's own top-level settings (<see cref="HostKeys"/>).
/// </summary>
/// <param name="ProxyConfigPath">The routes and clusters file, or null for the default.</param>
/// <param name="Demo">Start stand-ins of the three backends and route the clusters to them.</param>
/// <param name="Remaining">Every other argument, for ASP.NET.</param>
internal sealed record GatewayCommandLine(string? ProxyConfigPath, bool Demo, string[] Remaining)
{
    /// <summary>What <c>--help</c> prints: the options of docs/gateway.md.</summary>
    public const string Usage = """
        Usage: MetricCollector.Gateway [options]

          --urls <url>[;<url>]      where the gateway listens (default http://localhost:5000)
          --proxy-config <file>     routes and clusters in YARP's format (default: the nearest
                                    proxy-config/proxy-config.json at or above the working directory,
                                    else the copy beside the binaries); watched and reloaded on change
          --demo                    start stand-ins of the three backends and send them some traffic
          --Section:Key=value       any setting (also --Section:Key value; environment Section__Key=value),
                                    e.g. --MetricCollector:MaxSeries=50000; see README.md, Configuration
          --environment <name>, --contentRoot <dir>, --applicationName <name>, --AllowedHosts <hosts>,
          --http_ports <ports>, --https_ports <ports>
                                    ASP.NET's own top-level settings
          -h, --help                print this and exit

        Any other argument is refused (exit code 2). A start-up problem is one line on standard error and exit code 2.
        """;

    /// <summary>ASP.NET's settings without a section that the gateway accepts on the command line.</summary>
    private static readonly string[] HostKeys =
        ["urls", "environment", "contentRoot", "applicationName", "AllowedHosts", "http_ports", "https_ports", "webroot", "detailedErrors", "hostingStartupAssemblies", "hostingStartupExcludeAssemblies", "preventHostingStartup"];

    private static readonly string[] Switches = ["--demo", "--proxy-config", "--help"];

    /// <summary>Whether <c>--help</c> or <c>-h</c> was given: print <see cref="Usage"/> and start nothing.</summary>
    public bool Help { get; init; }

    public static GatewayCommandLine Parse(string[] args)
    {
        string? proxyConfig = null;
        bool demo = false;
        bool help = false;
        var remaining = new List<string>(args.Length);
        for (int i = 0; i < args.Length; i++)
        {
            string arg = args[i];
            if (arg == "--demo")
            {
                demo = true;
            }
            else if (arg is "--help" or "-h")
            {
                help = true;
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
                // "--key value" (no '='): the next argument is the value, whatever it looks like, as ASP.NET reads it.
                if (IsSetting(arg, out bool takesNext) && takesNext && i + 1 < args.Length)
                {
                    remaining.Add(args[++i]);
                }
            }
        }

        return new GatewayCommandLine(proxyConfig, demo, [.. remaining]) { Help = help };
    }

    /// <summary>
    /// Whether <paramref name="arg"/> is a setting ASP.NET reads (<c>--key=value</c>, <c>--key value</c>,
    /// <c>/key value</c>, <c>key=value</c>) whose key has a section or is one of <see cref="HostKeys"/>; throws for
    /// anything else, naming it.
    /// </summary>
    private static bool IsSetting(string arg, out bool takesNext)
    {
        int start = arg.StartsWith("--", StringComparison.Ordinal) ? 2 : arg.StartsWith('/') ? 1 : 0;
        int equals = arg.IndexOf('=', StringComparison.Ordinal);
        takesNext = equals < 0;
        if ((start == 0 && equals < 0) || (start == 0 && arg.StartsWith('-')))
        {
            throw Unknown(arg, "it is neither an option nor a setting.");
        }

        string key = equals < 0 ? arg[start..] : arg[start..equals];
        if (key.Length > 0 && (key.Contains(':', StringComparison.Ordinal) || Array.Exists(HostKeys, k => string.Equals(k, key, StringComparison.OrdinalIgnoreCase))))
        {
            return true;
        }

        // The host's own deadline: the gateway sets it from Gateway:Server (the delay plus the drain), so this would be ignored.
        if (string.Equals(key, "shutdownTimeoutSeconds", StringComparison.OrdinalIgnoreCase))
        {
            throw Unknown(arg, "the shutdown deadline is Gateway:Server:ShutdownDelay plus Gateway:Server:ShutdownTimeout; set those (--Gateway:Server:ShutdownTimeout=00:00:30).");
        }

        string? meant = Array.Find(Switches, s => string.Equals(s, "--" + key, StringComparison.OrdinalIgnoreCase));
        throw Unknown(arg, meant is null ? "it is not an option of the gateway, and a setting needs its section (--Section:Key=value)." : $"did you mean {meant}?");
    }

    /// <summary>The refusal of <paramref name="arg"/>; <paramref name="why"/> is a sentence with its own full stop or question mark.</summary>
    private static GatewayStartupException Unknown(string arg, string why) =>
        new($"Unknown argument '{arg}': {why} See --help.");

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
