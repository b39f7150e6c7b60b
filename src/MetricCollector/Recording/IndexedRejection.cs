namespace MetricCollector.Recording;

/// <summary>A refused item of a body, with its position.</summary>
/// <param name="Index">The item's index in the batch (0 for a single record).</param>
/// <param name="Rejection">Why it was refused.</param>
internal sealed record IndexedRejection(int Index, RecordRejection Rejection);
