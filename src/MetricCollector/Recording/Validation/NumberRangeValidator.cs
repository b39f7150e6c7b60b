using System.Text.Json;

namespace MetricCollector.Recording.Validation;

/// <summary>
/// <c>minimum</c>/<c>maximum</c> with draft-04 boolean <c>exclusiveMinimum</c>/<c>exclusiveMaximum</c>, or the later
/// numeric forms, compared as NJsonSchema does: as decimals, or as doubles where the decimal conversion overflows.
/// </summary>
internal sealed class NumberRangeValidator(NumberBounds bounds) : JsonValidator
{
    public override bool IsValid(TapeElement element)
    {
        if (element.ValueKind != JsonValueKind.Number)
        {
            return true;
        }

        var number = JsonNumber.Read(element);
        return number.TryGetDecimal(out decimal value) ? bounds.Admits(value) : bounds.Admits(number.Value);
    }
}
