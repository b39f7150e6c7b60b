using MetricCollector.Gateway.Mcp;
using MetricCollector.Gateway.Proxy;
using MetricCollector.Gateway.Security;

namespace MetricCollector.Gateway.Hosting;

/// <summary>
/// Refuses, before the host is built, settings the configuration binder would drop without a word: a list given as
/// one value (<c>--MetricCollector:DefaultBuckets=0.1,0.5</c>, which binds nothing) and a key role that is not a role
/// (the binder skips a list element it cannot convert, so <c>Roles:0=Scraper</c> left the key with the default role),
/// and a section under <c>Gateway</c> that none of the gateway's options reads (<c>Gateway:Sever</c>).
/// </summary>
internal static class ConfigurationShape
{
    private static readonly string[] Lists =
        ["MetricCollector:DefaultBuckets", "Gateway:Instrumentation:DurationBuckets", "Gateway:Mcp:AllowedTools", "Gateway:Auth:Keys"];

    // The sections under Gateway, each bound strictly to its options: a setting misspelled inside one stops the start
    // (StartupFailure), and so does a section misspelled here, which no binder would ever read.
    private static readonly string[] GatewaySections =
        [GatewayServerOptions.SectionName, GatewayInstrumentationOptions.SectionName, McpInstrumentationOptions.SectionName, GatewayAuthOptions.SectionName];

    public static void Check(IConfiguration configuration)
    {
        foreach (var section in configuration.GetSection("Gateway").GetChildren())
        {
            if (Array.FindIndex(GatewaySections, known => string.Equals(known, section.Path, StringComparison.OrdinalIgnoreCase)) < 0)
            {
                throw new GatewayStartupException(
                    $"{section.Path} is not a setting: the sections under Gateway are {string.Join(", ", GatewaySections.Select(known => known["Gateway:".Length..]))}; check its spelling (README.md, Configuration).");
            }
        }

        foreach (string list in Lists)
        {
            CheckList(configuration.GetSection(list));
        }

        foreach (var key in configuration.GetSection("Gateway:Auth:Keys").GetChildren())
        {
            var roles = key.GetSection("Roles");
            CheckList(roles);
            foreach (var role in roles.GetChildren())
            {
                // Enum parsing would take a number too ("1" as Scrape): only the names are roles.
                if (role.Value is { } name && (int.TryParse(name, out _) || !Enum.TryParse<ApiKeyRole>(name, ignoreCase: true, out _)))
                {
                    throw new GatewayStartupException(
                        $"{role.Path} is '{name}', which is not a role: use {string.Join(", ", Enum.GetNames<ApiKeyRole>())}.");
                }
            }
        }
    }

    private static void CheckList(IConfigurationSection section)
    {
        if (!string.IsNullOrEmpty(section.Value))
        {
            string[] items = section.Value.Split(',', StringSplitOptions.TrimEntries);
            throw new GatewayStartupException(
                $"{section.Path} is a list and cannot be given as one value ('{section.Value}'): give each element its own index, " +
                $"{section.Path}:0={items[0]}" + (items.Length > 1 ? $", {section.Path}:1={items[1]}" : "") +
                $" (environment {section.Path.Replace(":", "__", StringComparison.Ordinal)}__0).");
        }
    }
}
