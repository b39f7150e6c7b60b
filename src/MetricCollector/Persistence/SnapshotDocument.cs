using MetricCollector.Recording;

namespace MetricCollector.Persistence;

/// <summary>What a snapshot file holds: every pushed metric's definition and the state of its series.</summary>
/// <param name="Version">The format version; a file of another version is set aside, not guessed at.</param>
/// <param name="WrittenAt">When the snapshot was taken.</param>
/// <param name="Metrics">The pushed metrics.</param>
internal sealed record SnapshotDocument(int Version, DateTimeOffset WrittenAt, IReadOnlyList<SnapshotMetric> Metrics)
{
    public const int CurrentVersion = 1;

    /// <summary>
    /// The <c>Idempotency-Key</c>s answered within the window, taken in one step with the series, so that a retry after
    /// a restart is answered rather than applied again. Absent in snapshots written before they were kept.
    /// </summary>
    public IReadOnlyList<RememberedAnswer?>? IdempotencyKeys { get; init; }

    /// <summary>
    /// How long the collector was down by <paramref name="now"/>, which series and keys alike count as time without a
    /// record (a clock set back counts as none).
    /// </summary>
    public TimeSpan DowntimeUntil(DateTimeOffset now) => now > WrittenAt ? now - WrittenAt : TimeSpan.Zero;
}
