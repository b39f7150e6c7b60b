using System.Text.Json;

namespace MetricCollector.Recording.Validation;

/// <summary>
/// <c>type</c> with one type name, as the kind of element it admits (<see cref="JsonValueKind.True"/> stands for
/// boolean); <c>integer</c> means what Newtonsoft reads as an integer token.
/// </summary>
internal sealed class TypeValidator(JsonValueKind kind, bool integer) : JsonValidator
{
    public override bool IsValid(TapeElement element)
    {
        var actual = element.ValueKind == JsonValueKind.False ? JsonValueKind.True : element.ValueKind;
        return actual == kind && (!integer || JsonNumber.Read(element).IsInteger);
    }
}
