namespace MetricCollector.Recording.Validation;

/// <summary><c>allOf</c>, and the keywords of one schema object: valid when every part is.</summary>
internal sealed class AllOfValidator(JsonValidator[] parts) : JsonValidator
{
    public override bool IsValid(TapeElement element)
    {
        foreach (var part in parts)
        {
            if (!part.IsValid(element))
            {
                return false;
            }
        }

        return true;
    }
}
