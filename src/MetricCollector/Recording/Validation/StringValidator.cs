using System.Text.Json;

namespace MetricCollector.Recording.Validation;

/// <summary>
/// <c>pattern</c>, <c>minLength</c> and <c>maxLength</c> on strings, matched with .NET's own regex dialect (default
/// options) as NJsonSchema does. <c>maxLength</c> counts code points, as JSON Schema does and as the reference path
/// does after <see cref="SchemaCorrections"/>; <c>minLength</c> counts UTF-16 units as NJsonSchema does (which can only
/// admit more, so no correction applies), so both paths agree on every string.
/// </summary>
internal sealed class StringValidator(PatternMatcher? pattern, int? minLength, int? maxLength) : JsonValidator
{
    public override bool IsValid(TapeElement element)
    {
        if (element.ValueKind != JsonValueKind.String)
        {
            return true;
        }

        var raw = element.RawValue;
        if (element.ValueIsEscaped || raw.Length > JsonText.StackLimit)
        {
            return Accepts(element.GetString());
        }

        // A raw string never has fewer UTF-8 bytes than UTF-16 units or code points, so short ones need no counting.
        if (pattern is null && minLength is null && maxLength is int max && raw.Length <= max)
        {
            return true;
        }

        Span<char> buffer = stackalloc char[JsonText.StackLimit];
        return Accepts(JsonText.Decode(raw, buffer));
    }

    private bool Accepts(ReadOnlySpan<char> text) =>
        (minLength is not int min || text.Length >= min)
        && (maxLength is not int max || text.Length <= max || CodePoints.Count(text) <= max)
        && (pattern is null || pattern.IsMatch(text));
}
