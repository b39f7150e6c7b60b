using MetricCollector.Recording;
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

        if (RecordValidator.BucketsProblem(buckets, out int bound) is { } problem)
        {
            return ValidateOptionsResult.Fail($"MetricCollector:DefaultBuckets:{bound}: {problem}");
        }

        return ValidateOptionsResult.Success;
    }
}
