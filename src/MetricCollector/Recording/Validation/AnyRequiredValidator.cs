using System.Text.Json;

namespace MetricCollector.Recording.Validation;

/// <summary>
/// <c>anyOf</c> whose every branch is only <c>required</c> (the schema's "none of these fields" rules), and a plain
/// <c>required</c> as its one branch: one pass over the object instead of one per branch. Valid when the object has
/// every name of at least one branch; as in NJsonSchema, an element that is not an object has none of the names.
/// </summary>
internal sealed class AnyRequiredValidator(byte[][] names, ulong[] branchMasks) : JsonValidator
{
    public override bool IsValid(TapeElement element)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            return false;
        }

        ulong found = JsonNames.Found(element, names);
        foreach (ulong mask in branchMasks)
        {
            if ((found & mask) == mask)
            {
                return true;
            }
        }

        return false;
    }
}
