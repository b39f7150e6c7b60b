namespace MetricCollector.Recording;

/// <summary>
/// Bounds of a record. They repeat what <c>schemas/metric_record.schema.json</c> states (a test keeps the two equal)
/// so that records built in code, which never pass through the schema, are held to the same rules.
/// </summary>
internal static class RecordLimits
{
    public const int MaxNameLength = 200;
    public const int MaxLabels = 32;
    public const int MaxLabelNameLength = 100;
    public const int MaxLabelValueLength = 1024;
    public const int MaxValues = 1000;
    public const int MaxBuckets = 64;
    public const int MaxObjectives = 16;
    public const int MaxHelpLength = 1024;

    /// <summary>
    /// The smallest error a summary objective may ask for. A summary keeps about a sample per error's share of its
    /// observations, so an error of 1e-9 kept every one: measured, each push to such a series took longer with every
    /// observation, and every scrape of the gateway with it (0.3 to 0.7 s while idle).
    /// </summary>
    public const double MinObjectiveError = 0.0001;

    /// <summary>The deepest nesting a body may have; both readers refuse deeper ones, so they agree.</summary>
    public const int MaxJsonDepth = 32;
    public static readonly TimeSpan MaxTimeToLive = TimeSpan.FromDays(30);
}
