using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace MetricCollector.Client;

/// <summary>Refuses bad settings at start-up: the data annotations on the options, and what they cannot judge.</summary>
internal sealed class MetricCollectorClientOptionsValidator : IValidateOptions<MetricCollectorClientOptions>
{
    /// <summary>The shortest key the collector accepts in its configuration.</summary>
    internal const int MinKeyLength = 16;

    public ValidateOptionsResult Validate(string? name, MetricCollectorClientOptions options)
    {
        var results = new List<ValidationResult>();
        Validator.TryValidateObject(options, new ValidationContext(options), results, validateAllProperties: true);
        var failures = results.Select(result => $"MetricCollectorClient:{string.Join(",", result.MemberNames)}: {result.ErrorMessage}").ToList();
        if (options.Endpoint is { } endpoint && (!endpoint.IsAbsoluteUri || (endpoint.Scheme != Uri.UriSchemeHttp && endpoint.Scheme != Uri.UriSchemeHttps)))
        {
            failures.Add($"MetricCollectorClient:Endpoint must be an absolute http or https address, not '{endpoint}'.");
        }

        if (options.ApiKey is { } key && !IsUsableKey(key))
        {
            // The key itself is never quoted: this message ends up in logs.
            failures.Add($"MetricCollectorClient:ApiKey must be at least {MinKeyLength} characters of visible ASCII (no spaces or line breaks), as the collector's keys are; the one given has {key.Length} characters.");
        }

        if (options.MaxRetryDelay < options.RetryDelay)
        {
            failures.Add("MetricCollectorClient:MaxRetryDelay must not be shorter than RetryDelay.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    // Visible ASCII only: what a bearer token may hold, and what HttpClient sends unchanged in a header.
    private static bool IsUsableKey(string key)
    {
        if (key.Length < MinKeyLength)
        {
            return false;
        }

        foreach (char c in key)
        {
            if (c is < '!' or > '~')
            {
                return false;
            }
        }

        return true;
    }
}
