using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace MetricCollector.Client;

/// <summary>Refuses bad settings at start-up: the data annotations on the options, and what they cannot judge.</summary>
internal sealed class MetricCollectorClientOptionsValidator : IValidateOptions<MetricCollectorClientOptions>
{
    public ValidateOptionsResult Validate(string? name, MetricCollectorClientOptions options)
    {
        var results = new List<ValidationResult>();
        Validator.TryValidateObject(options, new ValidationContext(options), results, validateAllProperties: true);
        var failures = results.Select(result => $"MetricCollectorClient:{string.Join(",", result.MemberNames)}: {result.ErrorMessage}").ToList();
        if (options.Endpoint is { } endpoint && (!endpoint.IsAbsoluteUri || (endpoint.Scheme != Uri.UriSchemeHttp && endpoint.Scheme != Uri.UriSchemeHttps)))
        {
            failures.Add($"MetricCollectorClient:Endpoint must be an absolute http or https address, not '{endpoint}'.");
        }

        if (options.MaxRetryDelay < options.RetryDelay)
        {
            failures.Add("MetricCollectorClient:MaxRetryDelay must not be shorter than RetryDelay.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
