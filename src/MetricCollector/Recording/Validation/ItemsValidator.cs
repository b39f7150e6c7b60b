using System.Text.Json;

namespace MetricCollector.Recording.Validation;

/// <summary><c>items</c> with one schema: every item of an array must satisfy it.</summary>
internal sealed class ItemsValidator(JsonValidator item) : JsonValidator
{
    public override bool IsValid(TapeElement element)
    {
        if (element.ValueKind != JsonValueKind.Array)
        {
            return true;
        }

        foreach (var child in element.EnumerateArray())
        {
            if (!item.IsValid(child))
            {
                return false;
            }
        }

        return true;
    }
}
