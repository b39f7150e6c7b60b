namespace MetricCollector.Client.Delivery;

/// <summary>One item of the collector's <c>errors</c> list: which record of the batch, which field, and why.</summary>
/// <param name="Index">The record's index in the batch, or null when the whole body was refused.</param>
/// <param name="Field">A JSON Pointer to the offending field.</param>
/// <param name="Reason">The collector's reason (<c>schema_violation</c>, <c>definition_conflict</c>...).</param>
/// <param name="Detail">The collector's explanation.</param>
internal sealed record RefusedRecord(int? Index, string Field, string Reason, string Detail);
