namespace MetricCollector.Recording.Validation;

/// <summary><c>anyOf</c>: valid when at least one branch is.</summary>
internal sealed class AnyOfValidator(JsonValidator[] branches) : JsonValidator
{
    public override bool IsValid(TapeElement element)
    {
        foreach (var branch in branches)
        {
            if (branch.IsValid(element))
            {
                return true;
            }
        }

        return false;
    }
}
