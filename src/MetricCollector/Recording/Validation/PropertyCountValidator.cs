using System.Text.Json;

namespace MetricCollector.Recording.Validation;

/// <summary><c>minProperties</c>/<c>maxProperties</c> on objects; 0 means unset, as in NJsonSchema.</summary>
internal sealed class PropertyCountValidator(int min, int max) : JsonValidator
{
    public override bool IsValid(TapeElement element)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            return true;
        }

        int count = element.GetPropertyCount();
        return (min <= 0 || count >= min) && (max <= 0 || count <= max);
    }
}
