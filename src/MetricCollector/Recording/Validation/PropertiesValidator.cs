using System.Text.Json;

namespace MetricCollector.Recording.Validation;

/// <summary>
/// <c>properties</c>, <c>patternProperties</c> and <c>additionalProperties</c> of one schema object, checked in one
/// pass over the object. As in NJsonSchema, a name not in <c>properties</c> is checked against the first pattern it
/// matches only, and counts as additional when it matches none.
/// </summary>
/// <param name="names">The schema's names.</param>
/// <param name="ids">The ids in <paramref name="names"/> of the properties that <paramref name="schemas"/> check, in the same order.</param>
/// <param name="schemas">The schemas of the named properties.</param>
/// <param name="patterns">The <c>patternProperties</c> patterns.</param>
/// <param name="patternSchemas">The schemas of the patterns, in the same order.</param>
/// <param name="allowAdditional">False for <c>additionalProperties: false</c>.</param>
/// <param name="additional">The schema of additional properties, when one is given.</param>
internal sealed class PropertiesValidator(
    JsonNameTable names, int[] ids, JsonValidator[] schemas, PatternMatcher[] patterns, JsonValidator[] patternSchemas, bool allowAdditional, JsonValidator? additional)
    : JsonValidator
{
    // The schema of each name id, by position in schemas; -1 for a name this object's properties do not list.
    private readonly int[] _schemaOfId = SchemaOfId(ids);

    public override bool IsValid(TapeElement element)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            return true;
        }

        foreach (var property in element.EnumerateObject())
        {
            int id = property.GetNameId(names);
            int index = id >= 0 ? _schemaOfId[id] : -1;
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

    private static int[] SchemaOfId(int[] ids)
    {
        var schemaOfId = new int[JsonNameTable.MaxNames];
        Array.Fill(schemaOfId, -1);
        for (int i = 0; i < ids.Length; i++)
        {
            schemaOfId[ids[i]] = i;
        }

        return schemaOfId;
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
