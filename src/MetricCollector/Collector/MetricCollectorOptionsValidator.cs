using MetricCollector.Recording;
using Microsoft.Extensions.Options;

namespace MetricCollector.Collector;

/// <summary>Refuses, at start-up, settings that data annotations cannot judge.</summary>
internal sealed class MetricCollectorOptionsValidator : IValidateOptions<MetricCollectorOptions>
{
    public ValidateOptionsResult Validate(string? name, MetricCollectorOptions options)
    {
        if (SnapshotPathProblem(options.SnapshotPath) is { } snapshotProblem)
        {
            return ValidateOptionsResult.Fail(snapshotProblem);
        }

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

    /// <summary>
    /// Why the snapshot could never be written, found now rather than one snapshot interval after a start that looked
    /// healthy: a directory given as the file, a directory that does not exist, or one the process may not write in.
    /// </summary>
    private static string? SnapshotPathProblem(string? path)
    {
        if (string.IsNullOrEmpty(path))
        {
            return null;
        }

        string full = Path.GetFullPath(path);
        if (Directory.Exists(full))
        {
            return $"MetricCollector:SnapshotPath '{full}' is a directory; give a file in it, e.g. {Path.Combine(full, "metric-collector.snapshot")}.";
        }

        string directory = Path.GetDirectoryName(full) ?? full;
        if (!Directory.Exists(directory))
        {
            return $"MetricCollector:SnapshotPath '{full}': the directory '{directory}' does not exist.";
        }

        try
        {
            // The snapshot is written beside itself and renamed into place, so the directory must take new files.
            using var probe = new FileStream(Path.Combine(directory, $".{Path.GetFileName(full)}.probe-{Guid.NewGuid():N}"), FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.DeleteOnClose);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return $"MetricCollector:SnapshotPath '{full}': the directory '{directory}' cannot be written: {e.Message}";
        }

        return null;
    }
}
