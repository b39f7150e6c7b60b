using MetricCollector.Collector;

namespace MetricCollector.Persistence;

/// <summary>One pushed metric in a snapshot: its definition and its series.</summary>
internal sealed record SnapshotMetric(MetricDefinition Definition, IReadOnlyList<SnapshotSeries> Series);
