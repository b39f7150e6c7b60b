using System.Text.Json;

namespace MetricCollector.Recording.Validation;

/// <summary>
/// <c>minimum</c>/<c>maximum</c> with draft-04 boolean <c>exclusiveMinimum</c>/<c>exclusiveMaximum</c>, or the later
/// numeric forms: the verdict of NJsonSchema (decimals, or doubles where the decimal conversion overflows) corrected
/// as <see cref="SchemaCorrections"/> corrects it (a non-integer the double comparison admits is admitted).
/// </summary>
internal sealed class NumberRangeValidator(NumberBounds bounds) : JsonValidator
{
    public override bool IsValid(TapeElement element)
    {
        if (element.ValueKind != JsonValueKind.Number)
        {
            return true;
        }

        // NJsonSchema compares as decimal (as double where that overflows); a refusal of a non-integer the double
        // comparison admits is dropped (SchemaCorrections), so 1e-29 is in (0, 1) on both paths.
        var number = JsonNumber.Read(element);
        if (number.TryGetDecimal(out decimal value) && bounds.Admits(value))
        {
            return true;
        }

        return !number.IsInteger && bounds.Admits(number.Value);
    }
}
