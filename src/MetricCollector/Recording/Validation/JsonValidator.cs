namespace MetricCollector.Recording.Validation;

/// <summary>
/// One node of a schema compiled once from <c>schemas/metric_record.schema.json</c>: it answers only whether an element
/// is valid, with NJsonSchema's semantics; NJsonSchema stays the authority for the wording of every refusal.
/// </summary>
internal abstract class JsonValidator
{
    /// <summary>True when NJsonSchema would report no error for the element.</summary>
    public abstract bool IsValid(TapeElement element);
}
