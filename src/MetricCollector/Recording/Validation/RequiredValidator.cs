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

        // One pass over the object, marking each required name found (the compiler caps them at 64).
        ulong found = 0;
        foreach (var property in element.EnumerateObject())
        {
            int index = JsonNames.IndexOf(property.Utf8Name, names);
            if (index >= 0)
            {
                found |= 1UL << index;
            }
        }

        return BitOperations.PopCount(found) == names.Length;
    }
}
