namespace MetricCollector.Recording.Validation;

/// <summary><c>oneOf</c>: valid when exactly one branch is.</summary>
internal sealed class OneOfValidator(JsonValidator[] branches) : JsonValidator
{
    public override bool IsValid(TapeElement element)
    {
        bool matched = false;
        foreach (var branch in branches)
        {
            if (branch.IsValid(element))
            {
                if (matched)
                {
                    return false;
                }

                matched = true;
            }
        }

        return matched;
    }
}
