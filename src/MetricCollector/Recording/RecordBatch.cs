namespace MetricCollector.Recording;

/// <summary>What a <c>POST /record</c> body held: one record or a batch, each item read or refused.</summary>
/// <param name="IsBatch">True when the body was a JSON array.</param>
/// <param name="Items">The records in body order.</param>
internal sealed record RecordBatch(bool IsBatch, IReadOnlyList<RecordBatchItem> Items);
