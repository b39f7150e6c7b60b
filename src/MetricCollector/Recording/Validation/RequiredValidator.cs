using System.Text.Json;

namespace MetricCollector.Recording.Validation;

/// <summary><c>required</c>. As in NJsonSchema, an element that is not an object has none of the names, so it fails.</summary>
internal sealed class RequiredValidator(byte[][] names) : JsonValidator
{
    public override bool IsValid(JsonElement element)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            return false;
        }

        foreach (byte[] name in names)
        {
            if (!element.TryGetProperty(name, out _))
            {
                return false;
            }
        }

        return true;
    }
}
