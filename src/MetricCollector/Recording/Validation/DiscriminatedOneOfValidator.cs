using System.Text.Json;

namespace MetricCollector.Recording.Validation;

/// <summary>
/// <c>oneOf</c> whose every branch restricts one property to an <c>enum</c> (the schema's <c>metric_type</c>): when
/// the object has that property, a branch whose enum lacks its value cannot be valid, so only the others are
/// evaluated. Otherwise every branch is, as in <see cref="OneOfValidator"/>.
/// </summary>
/// <param name="names">The schema's names.</param>
/// <param name="property">The id in <paramref name="names"/> of the property that tells the branches apart.</param>
/// <param name="branchValues">Per branch, the values of its enum.</param>
/// <param name="branches">The branches.</param>
internal sealed class DiscriminatedOneOfValidator(JsonNameTable names, int property, byte[][][] branchValues, JsonValidator[] branches) : JsonValidator
{
    private readonly OneOfValidator _all = new(branches);

    public override bool IsValid(TapeElement element)
    {
        if (element.ValueKind != JsonValueKind.Object || !element.TryGetProperty(names, property, out var value))
        {
            return _all.IsValid(element);
        }

        // The compiler admits only enum values no other kind prints as, so a value that is not a string fails every branch.
        if (value.ValueKind != JsonValueKind.String)
        {
            return false;
        }

        bool matched = false;
        for (int i = 0; i < branches.Length; i++)
        {
            if (EnumValidator.Contains(branchValues[i], value) && branches[i].IsValid(element))
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
