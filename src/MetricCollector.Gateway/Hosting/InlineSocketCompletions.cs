namespace MetricCollector.Gateway.Hosting;

/// <summary>
/// The runtime's half of <see cref="GatewayServerOptions.InlineScheduling"/>: .NET completes socket operations on its
/// socket threads, instead of queueing them to the thread pool, only when <see cref="Variable"/> is <c>1</c> as the
/// process makes its first socket; it reads the variable then and never again. Kestrel's inline scheduling alone
/// measured no gain (bench/README.md, Tuning), so the gateway sets the variable for its own process.
/// </summary>
internal static class InlineSocketCompletions
{
    /// <summary>The environment variable .NET reads, once, at the process's first socket.</summary>
    public const string Variable = "DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS";

    /// <summary>
    /// Sets <see cref="Variable"/> to <c>1</c> when <c>Gateway:Server:InlineScheduling</c> is true and the environment
    /// does not already say otherwise. Called by the gateway's own start, before any socket is made, with the settings
    /// of <c>appsettings.json</c>, the environment and the command line (the proxy-config file is added later). A
    /// process started from this one inherits the variable; the gateway starts none.
    /// </summary>
    public static void Prepare(IConfiguration configuration)
    {
        // A value that is not a boolean is left to the options' validation, which refuses it with the setting's name.
        if (bool.TryParse(configuration[$"{GatewayServerOptions.SectionName}:{nameof(GatewayServerOptions.InlineScheduling)}"], out bool inline)
            && inline
            && Environment.GetEnvironmentVariable(Variable) is null)
        {
            Environment.SetEnvironmentVariable(Variable, "1");
        }
    }
}
