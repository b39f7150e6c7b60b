using System.Reflection;
using MetricCollector.Collector;
using MetricCollector.Gateway.Mcp;
using MetricCollector.Gateway.Proxy;
using MetricCollector.Gateway.Security;

namespace MetricCollector.Gateway.Hosting;

/// <summary>
/// Refuses, before the host is built, settings the configuration binder would drop without a word: a list given as
/// one value (<c>--MetricCollector:DefaultBuckets=0.1,0.5</c>, which binds nothing) and a key role that is not a role
/// (the binder skips a list element it cannot convert, so <c>Roles:0=Scraper</c> left the key with the default role),
/// a section under <c>Gateway</c> that none of the gateway's options reads (<c>Gateway:Sever</c>), and a value where a
/// section belongs or settings under a value (<c>Gateway:Auth:Keys:0=abc</c>, <c>DefaultBuckets:0:a=1</c>), which the
/// binder either crashes on without naming the setting or drops.
/// </summary>
internal static class ConfigurationShape
{
    // Each section bound to options, with the options' type, which says what shape each setting under it has.
    private static readonly (string Section, Type Options)[] Bound =
    [
        (MetricCollectorOptions.SectionName, typeof(MetricCollectorOptions)),
        (GatewayServerOptions.SectionName, typeof(GatewayServerOptions)),
        (GatewayInstrumentationOptions.SectionName, typeof(GatewayInstrumentationOptions)),
        (McpInstrumentationOptions.SectionName, typeof(McpInstrumentationOptions)),
        (GatewayAuthOptions.SectionName, typeof(GatewayAuthOptions)),
    ];

    // The sections under Gateway, each bound strictly to its options: a setting misspelled inside one stops the start
    // (StartupFailure), and so does a section misspelled here, which no binder would ever read.
    private static readonly string[] GatewaySections =
        [.. Bound.Select(bound => bound.Section).Where(section => section.StartsWith("Gateway:", StringComparison.Ordinal))];

    public static void Check(IConfiguration configuration)
    {
        // Gateway itself binds to nothing, so the shape walk below never sees it given as a value (Gateway=5).
        if (configuration["Gateway"] is { Length: > 0 } value)
        {
            throw new GatewayStartupException(SectionGivenAsValue("Gateway", value));
        }

        foreach (var section in configuration.GetSection("Gateway").GetChildren())
        {
            if (Array.FindIndex(GatewaySections, known => string.Equals(known, section.Path, StringComparison.OrdinalIgnoreCase)) < 0)
            {
                throw new GatewayStartupException(
                    $"{section.Path} is not a setting: the sections under Gateway are {string.Join(", ", GatewaySections.Select(known => known["Gateway:".Length..]))}; check its spelling (README.md, Configuration).");
            }
        }

        foreach (var (section, options) in Bound)
        {
            CheckShape(configuration.GetSection(section), options);
        }

        foreach (var key in configuration.GetSection("Gateway:Auth:Keys").GetChildren())
        {
            var roles = key.GetSection("Roles");
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

    // Follows the options' properties down the configuration: a list, a section and a value each in their place.
    // A setting the options do not have is left to the binder, which names it (StartupFailure).
    private static void CheckShape(IConfigurationSection section, Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (IsValue(type))
        {
            if (section.GetChildren().FirstOrDefault() is { } child)
            {
                throw new GatewayStartupException(
                    $"{section.Path} is {ValueKind(type)}, it has no setting '{child.Key}': give it as {section.Path}=... (environment {EnvironmentName(section.Path)}).");
            }

            return;
        }

        if (ElementOf(type) is { } element)
        {
            CheckList(section, element);
            foreach (var item in section.GetChildren())
            {
                CheckShape(item, element);
            }

            return;
        }

        if (!string.IsNullOrEmpty(section.Value))
        {
            throw new GatewayStartupException(type == typeof(ApiKeyOptions) ? KeyGivenAsValue(section.Path) : SectionGivenAsValue(section.Path, section.Value));
        }

        foreach (var child in section.GetChildren())
        {
            if (type.GetProperty(child.Key, BindingFlags.Public | BindingFlags.Instance | BindingFlags.IgnoreCase) is { } property)
            {
                CheckShape(child, property.PropertyType);
            }
        }
    }

    private static void CheckList(IConfigurationSection section, Type element)
    {
        if (!string.IsNullOrEmpty(section.Value))
        {
            // A list of keys takes each key's secret as its Key setting: Keys:0=abc would be a key object given as a value.
            string setting = element == typeof(ApiKeyOptions) ? ":Key" : "";
            string[] items = section.Value.Split(',', StringSplitOptions.TrimEntries);
            throw new GatewayStartupException(
                $"{section.Path} is a list and cannot be given as one value ('{section.Value}'): give each element its own index, " +
                $"{section.Path}:0{setting}={items[0]}" + (items.Length > 1 ? $", {section.Path}:1{setting}={items[1]}" : "") +
                $" (environment {EnvironmentName(section.Path)}__0{setting.Replace(":", "__", StringComparison.Ordinal)}).");
        }
    }

    private static bool IsValue(Type type) =>
        type.IsPrimitive || type.IsEnum || type == typeof(string) || type == typeof(decimal) || type == typeof(TimeSpan);

    private static Type? ElementOf(Type type) =>
        type.IsArray ? type.GetElementType()
        : type.IsGenericType && type.GetGenericTypeDefinition() == typeof(List<>) ? type.GetGenericArguments()[0]
        : null;

    private static string ValueKind(Type type) =>
        type == typeof(int) || type == typeof(long) ? "a whole number"
        : type == typeof(double) ? "a number"
        : type == typeof(bool) ? "true or false"
        : type == typeof(TimeSpan) ? "a time span"
        : type == typeof(ApiKeyRole) ? "a role"
        : "a value";

    /// <summary>The message for a key of Gateway:Auth:Keys given as one value (also StartupFailure's, for the binder's failure).</summary>
    internal static string KeyGivenAsValue(string path) =>
        $"{path} is a key object, not a value: give {path}:Key=... (environment {EnvironmentName(path)}__Key).";

    /// <summary>The message for a section given as one value (also StartupFailure's, for the binder's failure).</summary>
    internal static string SectionGivenAsValue(string path, string value) =>
        $"{path} is a section, not a value ('{value}'): give each of its settings, {path}:<setting>=... (README.md, Configuration).";

    private static string EnvironmentName(string path) => path.Replace(":", "__", StringComparison.Ordinal);
}
