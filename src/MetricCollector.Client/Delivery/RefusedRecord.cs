namespace MetricCollector.Client.Delivery;

/// <summary>One item of the collector's <c>errors</c> list: which record of the batch, which field, and why.</summary>
/// <param name="Index">The record's index in the batch, or null when the whole body was refused.</param>
/// <param name="Field">A JSON Pointer to the offending field.</param>
/// <param name="Reason">The collector's reason (<c>schema_violation</c>, <c>definition_conflict</c>...).</param>
/// <param name="Detail">The collector's explanation.</param>
internal sealed record RefusedRecord(int? Index, string Field, string Reason, string Detail)
{
    /// <summary>
    /// Whether the refusal is of what defines the series (its name, labels, type, buckets, objectives, help), so that
    /// every later record of it would be refused alike. A limit (which may free up) and a refused value (the next one
    /// may pass) are not.
    /// </summary>
    public bool RefusesDefinition =>
        Reason is "schema_violation" or "invalid_value" or "too_many_labels" or "label_value_too_long"
            or "definition_conflict" or "reserved_name" or "name_collision" or "forbidden"
        && Field is not "/value" and not "/values"
        && !Field.StartsWith("/values/", StringComparison.Ordinal);
}
