using Microsoft.Extensions.Options;

namespace MetricCollector.Gateway.Security;

/// <summary>Refuses, at start-up, keys that are too short, repeated, or unusable.</summary>
internal sealed class GatewayAuthOptionsValidator : IValidateOptions<GatewayAuthOptions>
{
    public const int MinKeyLength = 16;

    public ValidateOptionsResult Validate(string? name, GatewayAuthOptions options)
    {
        // The keys file's keys are in Keys already (GatewayAuthKeysFileSetup).
        var keys = options.Keys;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < keys.Count; i++)
        {
            var key = keys[i];
            // Named where the operator wrote it: the keys file's keys follow the configured ones in the list.
            string origin = key.Origin ?? $"Gateway:Auth:Keys:{i}";
            string where = $"{origin} ({key.ComponentId ?? "no component"})";
            if (key.Key.Length == 0)
            {
                // Only a configured key: the keys file refuses its own keys without one as it reads them.
                return ValidateOptionsResult.Fail($"{where} has no key: give {origin}:Key, at least {MinKeyLength} characters.");
            }

            if (key.Key.Length < MinKeyLength)
            {
                return ValidateOptionsResult.Fail($"{where} is shorter than {MinKeyLength} characters.");
            }

            if (!seen.Add(key.Key))
            {
                return ValidateOptionsResult.Fail($"{where} repeats another key.");
            }

            if (key.ComponentId is { Length: 0 or > 1024 })
            {
                return ValidateOptionsResult.Fail($"{where}: ComponentId must be 1 to 1024 characters.");
            }
        }

        if (!MetricCollector.Recording.MetricNames.IsValidLabelName(options.ComponentLabel))
        {
            return ValidateOptionsResult.Fail($"Gateway:Auth:ComponentLabel '{options.ComponentLabel}' is not a valid label name: letters, digits and '_', not starting with a digit or '__'.");
        }

        // Stamped on every record of a component key: as 'le' or 'quantile' it would make every histogram or summary
        // of such a key refused, blaming a label the sender never sent.
        if (options.ComponentLabel is "le" or "quantile")
        {
            return ValidateOptionsResult.Fail($"Gateway:Auth:ComponentLabel '{options.ComponentLabel}' is reserved ('le' on histograms, 'quantile' on summaries); choose another label name, e.g. componentId.");
        }

        return ValidateOptionsResult.Success;
    }
}
