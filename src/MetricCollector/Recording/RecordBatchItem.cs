namespace MetricCollector.Recording;

/// <summary>One item of a body: the record, or why it could not be read.</summary>
/// <param name="Record">The record, when it satisfied the schema.</param>
/// <param name="Rejection">Why it did not.</param>
internal readonly record struct RecordBatchItem(MetricRecord? Record, RecordRejection? Rejection);
