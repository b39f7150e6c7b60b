using System.Reflection;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Connections;
using MetricCollector.Collector;
using MetricCollector.Gateway.Security;
using Microsoft.Extensions.Options;

namespace MetricCollector.Gateway.Hosting;

/// <summary>
/// Turns what building and starting the host throws for a bad setting into one line naming the setting and what is
/// allowed (<see cref="GatewayStartupException"/>); anything else is left to crash with its stack trace, as a bug should.
/// </summary>
internal static partial class StartupFailure
{
    private const string TimeSpanFormat = "a time span hh:mm:ss or d.hh:mm:ss (write 00:00:10 for 10 seconds; a bare 10 means 10 days)";

    /// <summary>The one-line explanation of <paramref name="exception"/>, or null when it is not a configuration problem.</summary>
    /// <param name="exception">What building or starting the host threw.</param>
    /// <param name="configuration">The host's configuration, to name the addresses it was told to listen on.</param>
    /// <param name="proxyConfigPath">The proxy-config file, named when YARP refuses the routes or clusters.</param>
    public static string? Explain(Exception exception, IConfiguration? configuration, string proxyConfigPath)
    {
        switch (exception)
        {
            case GatewayStartupException startup:
                return startup.Message;
            case OptionsValidationException validation:
                return string.Join(" ", validation.Failures.Select(f => Rewrite(validation.OptionsType, f)));
            case InvalidOperationException when ConversionMessage(exception) is { } conversion:
                return ConversionFailure(conversion);
            case InvalidOperationException when exception.Message.StartsWith("Unable to load or apply the proxy configuration", StringComparison.Ordinal):
                return $"The proxy configuration (the ReverseProxy section: the proxy-config file '{proxyConfigPath}' and any overrides) is not valid: {Innermost(exception)}";
            case InvalidOperationException when UnknownSettingMessage().Match(Innermost(exception)) is { Success: true } unknown:
                // The binder's ErrorOnUnknownConfiguration: a mistyped key under a section bound strictly.
                return $"{SectionOf(unknown.Groups["type"].Value)} has no setting {unknown.Groups["keys"].Value}: check its spelling (README.md, Configuration).";
            case IOException { InnerException: AddressInUseException }:
                // The gateway's own first listener holds the port when --urls names an address twice.
                return RepeatedUrl(configuration?["urls"]) is { } repeated && exception.Message.Contains(repeated.TrimEnd('/'), StringComparison.OrdinalIgnoreCase)
                    ? $"--urls (or the urls setting, ASPNETCORE_URLS) names {repeated} twice: list each address once."
                    : $"{exception.Message} Stop what holds the port or choose another with --urls.";
            case FormatException when exception.Message.StartsWith("Invalid url", StringComparison.Ordinal):
                return $"--urls (or the urls setting, ASPNETCORE_URLS) holds {exception.Message["Invalid url: ".Length..]}, which is not an address: write scheme://host:port, e.g. http://127.0.0.1:5000.";
            case ArgumentOutOfRangeException { ParamName: "port" }:
                return $"--urls (or the urls setting, ASPNETCORE_URLS) '{configuration?["urls"]}' holds a port out of range: a port is 0 to 65535.";
            default:
                return null;
        }
    }

    private static string? RepeatedUrl(string? urls)
    {
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (string url in (urls ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!seen.Add(url.TrimEnd('/')))
            {
                return url;
            }
        }

        return null;
    }

    // "DataAnnotation validation failed for 'T' members: 'M' with the error: 'E'." becomes "Section:M: E", with the
    // format of a time span when M is one, whose range alone ("between 00:00:01 and 30.00:00:00") does not say it.
    private static string Rewrite(Type optionsType, string failure)
    {
        var match = DataAnnotationFailure().Match(failure);
        if (!match.Success)
        {
            return failure;
        }

        string member = match.Groups["member"].Value;
        string section = SectionNameOf(optionsType);
        var type = optionsType.GetProperty(member)?.PropertyType;
        string hint = type is not null && (Nullable.GetUnderlyingType(type) ?? type) == typeof(TimeSpan) ? $" It is {TimeSpanFormat}." : "";
        return $"{section}:{member}: {match.Groups["error"].Value}{hint}";
    }

    // The binder throws it as is for a section's own setting, but wraps it ("'ErrorOnUnknownConfiguration' was set and
    // binding has failed") for one inside a list, such as Gateway:Auth:Keys:0.
    private static string? ConversionMessage(Exception exception)
    {
        for (var inner = exception; inner is not null; inner = inner.InnerException)
        {
            if (inner is InvalidOperationException && inner.Message.StartsWith("Failed to convert configuration value", StringComparison.Ordinal))
            {
                return inner.Message;
            }
        }

        return null;
    }

    private static string ConversionFailure(string message)
    {
        var match = ConversionFailureMessage().Match(message);
        if (!match.Success)
        {
            return message;
        }

        string path = match.Groups["path"].Value;
        string typeName = match.Groups["type"].Value;
        if (typeName == typeof(ApiKeyOptions).FullName)
        {
            return ConfigurationShape.KeyGivenAsValue(path);
        }

        if (OptionsType(typeName) is { IsClass: true })
        {
            return ConfigurationShape.SectionGivenAsValue(path, match.Groups["value"].Value);
        }

        string expected = typeName switch
        {
            "System.Int32" or "System.Int64" => "a whole number",
            "System.Double" => "a number",
            "System.Boolean" => "true or false",
            "System.TimeSpan" => TimeSpanFormat,
            _ => typeName,
        };
        return $"{path} is '{match.Groups["value"].Value}', but must be {expected}.";
    }

    // The binder names the options type; every options class of ours says its section in SectionName.
    private static string SectionOf(string typeName)
    {
        if (typeName == typeof(ApiKeyOptions).FullName)
        {
            return "A key under Gateway:Auth:Keys";
        }

        var type = OptionsType(typeName);
        return type is null ? typeName : SectionNameOf(type);
    }

    private static Type? OptionsType(string typeName) =>
        typeof(StartupFailure).Assembly.GetType(typeName) ?? typeof(MetricCollectorOptions).Assembly.GetType(typeName);

    private static string SectionNameOf(Type optionsType) =>
        optionsType.GetField("SectionName", BindingFlags.Public | BindingFlags.Static)?.GetValue(null) as string ?? optionsType.Name;

    private static string Innermost(Exception exception)
    {
        var inner = exception;
        while (inner.InnerException is not null)
        {
            inner = inner.InnerException;
        }

        return inner.Message;
    }

    [GeneratedRegex(@"^DataAnnotation validation failed for '[^']*' members: '(?<member>[^']+)' with the error: '(?<error>.*)'\.$", RegexOptions.Singleline)]
    private static partial Regex DataAnnotationFailure();

    [GeneratedRegex(@"the following properties were not found on the instance of (?<type>\S+): (?<keys>.*)$", RegexOptions.Singleline)]
    private static partial Regex UnknownSettingMessage();

    [GeneratedRegex(@"^Failed to convert configuration value '(?<value>.*)' at '(?<path>[^']+)' to type '(?<type>[^']+)'\.", RegexOptions.Singleline)]
    private static partial Regex ConversionFailureMessage();
}
