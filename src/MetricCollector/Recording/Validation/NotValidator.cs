namespace MetricCollector.Recording.Validation;

/// <summary><c>not</c>: valid when the inner schema is not.</summary>
internal sealed class NotValidator(JsonValidator inner) : JsonValidator
{
    public override bool IsValid(TapeElement element) => !inner.IsValid(element);
}
