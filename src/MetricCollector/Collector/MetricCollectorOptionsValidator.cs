using Microsoft.Extensions.Options;

namespace MetricCollector.Collector;

/// <summary>Refuses, at start-up, settings that data annotations cannot judge.</summary>
internal sealed class MetricCollectorOptionsValidator : IValidateOptions<MetricCollectorOptions>
{
    public ValidateOptionsResult Validate(string? name, MetricCollectorOptions options)
    {
        var buckets = options.DefaultBuckets;
        if (buckets is null)
        {
            return ValidateOptionsResult.Success;
        }

        if (buckets.Length == 0)
        {
            return ValidateOptionsResult.Fail("MetricCollector:DefaultBuckets must hold at least one bound.");
        }

        for (int i = 0; i < buckets.Length; i++)
        {
            if (!double.IsFinite(buckets[i]) || (i > 0 && buckets[i] <= buckets[i - 1]))
            {
                return ValidateOptionsResult.Fail("MetricCollector:DefaultBuckets must be finite and strictly increasing.");
            }
        }

        return ValidateOptionsResult.Success;
    }
}
