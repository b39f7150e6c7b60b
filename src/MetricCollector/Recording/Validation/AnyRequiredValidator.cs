using System.Text.Json;

namespace MetricCollector.Recording.Validation;

/// <summary>
/// <c>anyOf</c> whose every branch is only <c>required</c> (the schema's "none of these fields" rules), and a plain
/// <c>required</c> as its one branch: one look at the object's name mask instead of one pass per branch. Valid when
/// the object has every name of at least one branch; as in NJsonSchema, an element that is not an object has none of
/// the names.
/// </summary>
/// <param name="names">The schema's names.</param>
/// <param name="branchMasks">Per branch, the bits (ids in <paramref name="names"/>) of the names it requires.</param>
internal sealed class AnyRequiredValidator(JsonNameTable names, ulong[] branchMasks) : JsonValidator
{
    public override bool IsValid(TapeElement element)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            return false;
        }

        ulong found = element.GetNameMask(names);
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
