using System.Numerics;
using System.Text.Json;

namespace MetricCollector.Recording.Validation;

/// <summary><c>required</c>. As in NJsonSchema, an element that is not an object has none of the names, so it fails.</summary>
internal sealed class RequiredValidator(byte[][] names) : JsonValidator
{
    public override bool IsValid(TapeElement element)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            return false;
        }

        return BitOperations.PopCount(JsonNames.Found(element, names)) == names.Length;
    }
}
