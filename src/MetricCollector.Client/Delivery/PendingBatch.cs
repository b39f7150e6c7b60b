using MetricCollector.Client.Series;

namespace MetricCollector.Client.Delivery;

/// <summary>
/// A batch taken from the buffer and not yet answered. Its body and key never change, so every attempt, however late,
/// is the same request to the collector, which applies it once.
/// </summary>
/// <param name="Key">The <c>Idempotency-Key</c>.</param>
/// <param name="Body">The JSON array of records.</param>
/// <param name="Series">The series of each record, in body order (the collector names refused records by index).</param>
/// <param name="Values">The values the batch carries: one per counter or gauge record, one per observation; none for a refresh of an unchanged series.</param>
internal sealed record PendingBatch(string Key, ReadOnlyMemory<byte> Body, IReadOnlyList<SeriesDefinition> Series, int Values);
