using System.Text.Json;

namespace MetricCollector.Recording.Validation;

/// <summary>
/// <c>minItems</c>/<c>maxItems</c> on arrays or <c>minProperties</c>/<c>maxProperties</c> on objects; 0 means unset,
/// as in NJsonSchema. Elements of another kind pass.
/// </summary>
internal sealed class CountValidator(JsonValueKind kind, int min, int max) : JsonValidator
{
    public override bool IsValid(TapeElement element)
    {
        if (element.ValueKind != kind)
        {
            return true;
        }

        int count = kind == JsonValueKind.Array ? element.GetArrayLength() : element.GetPropertyCount();
        return (min <= 0 || count >= min) && (max <= 0 || count <= max);
    }
}
