using System.Text.Json;

namespace MetricCollector.Recording.Validation;

/// <summary><c>minItems</c>/<c>maxItems</c> on arrays; 0 means unset, as in NJsonSchema.</summary>
internal sealed class ItemCountValidator(int min, int max) : JsonValidator
{
    public override bool IsValid(TapeElement element)
    {
        if (element.ValueKind != JsonValueKind.Array)
        {
            return true;
        }

        int count = element.GetArrayLength();
        return (min <= 0 || count >= min) && (max <= 0 || count <= max);
    }
}
