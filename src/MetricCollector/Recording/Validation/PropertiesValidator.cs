using System.Text.Json;

namespace MetricCollector.Recording.Validation;

/// <summary>
/// <c>properties</c>, <c>patternProperties</c> and <c>additionalProperties</c> of one schema object, checked in one
/// pass over the object. As in NJsonSchema, a name not in <c>properties</c> is checked against the first pattern it
/// matches only, and counts as additional when it matches none.
/// </summary>
internal sealed class PropertiesValidator(
    byte[][] names, JsonValidator[] schemas, PatternMatcher[] patterns, JsonValidator[] patternSchemas, bool allowAdditional, JsonValidator? additional)
    : JsonValidator
{
    public override bool IsValid(TapeElement element)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            return true;
        }

        foreach (var property in element.EnumerateObject())
        {
            int index = JsonNames.IndexOf(property.Utf8Name, names);
            if (index >= 0)
            {
                if (!schemas[index].IsValid(property.Value))
                {
                    return false;
                }

                continue;
            }

            index = patterns.Length == 0 ? -1 : PatternOf(property);
            if (index >= 0)
            {
                if (!patternSchemas[index].IsValid(property.Value))
                {
                    return false;
                }
            }
            else if (additional is not null ? !additional.IsValid(property.Value) : !allowAdditional)
            {
                return false;
            }
        }

        return true;
    }

    private int PatternOf(TapeProperty property)
    {
        var raw = property.RawName;
        if (property.NameIsEscaped || raw.Length > JsonText.StackLimit)
        {
            return PatternOf(property.GetName());
        }

        Span<char> buffer = stackalloc char[JsonText.StackLimit];
        return PatternOf(JsonText.Decode(raw, buffer));
    }

    private int PatternOf(ReadOnlySpan<char> name)
    {
        for (int i = 0; i < patterns.Length; i++)
        {
            if (patterns[i].IsMatch(name))
            {
                return i;
            }
        }

        return -1;
    }
}
