namespace MetricCollector.Persistence;

/// <summary>What a snapshot file holds: every pushed metric's definition and the state of its series.</summary>
/// <param name="Version">The format version; a file of another version is set aside, not guessed at.</param>
/// <param name="WrittenAt">When the snapshot was taken.</param>
/// <param name="Metrics">The pushed metrics.</param>
internal sealed record SnapshotDocument(int Version, DateTimeOffset WrittenAt, IReadOnlyList<SnapshotMetric> Metrics)
{
    public const int CurrentVersion = 1;
}
