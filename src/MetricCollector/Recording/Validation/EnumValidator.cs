using System.Text.Json;

namespace MetricCollector.Recording.Validation;

/// <summary>
/// <c>enum</c> of strings. NJsonSchema compares the element's <c>ToString()</c> with each value; the compiler admits
/// only values no number, boolean, null, object or array prints as, so only an equal string matches.
/// </summary>
internal sealed class EnumValidator(byte[][] values) : JsonValidator
{
    public override bool IsValid(TapeElement element)
    {
        if (element.ValueKind != JsonValueKind.String)
        {
            return false;
        }

        foreach (byte[] value in values)
        {
            if (element.ValueEquals(value))
            {
                return true;
            }
        }

        return false;
    }
}
