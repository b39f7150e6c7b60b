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
        return element.ValueKind == JsonValueKind.String && Contains(values, element);
    }

    /// <summary>Whether the string element equals one of <paramref name="values"/>.</summary>
    public static bool Contains(byte[][] values, TapeElement element)
    {
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
