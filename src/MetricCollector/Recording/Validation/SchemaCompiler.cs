using System.Text;
using System.Text.Json;

namespace MetricCollector.Recording.Validation;

/// <summary>
/// Compiles a JSON schema, once, into a tree of <see cref="JsonValidator"/>s with NJsonSchema's semantics, so that
/// the schema file stays the single source of truth: a new property or limit in the file needs no change here. A
/// keyword this compiler does not know throws <see cref="NotSupportedException"/>, and the caller then leaves every
/// record to NJsonSchema rather than guess.
/// </summary>
internal static class SchemaCompiler
{
    // Words that describe and never constrain.
    private static readonly HashSet<string> Annotations = new(StringComparer.Ordinal) { "$schema", "title", "description", "default", "examples", "$comment" };

    private static readonly HashSet<string> Keywords = new(StringComparer.Ordinal)
    {
        "type", "enum", "required", "properties", "patternProperties", "additionalProperties", "minProperties", "maxProperties",
        "items", "minItems", "maxItems", "pattern", "minLength", "maxLength", "minimum", "maximum", "exclusiveMinimum",
        "exclusiveMaximum", "allOf", "anyOf", "oneOf", "not",
    };

    // What NJsonSchema's enum check (element.ToString() against each value) could confuse with a number or boolean.
    private static readonly HashSet<string> AmbiguousEnumValues = new(StringComparer.Ordinal) { "True", "False", "Infinity", "NaN" };

    public static JsonValidator Compile(string schemaText)
    {
        using var document = JsonDocument.Parse(schemaText);
        return CompileSchema(document.RootElement, new JsonNameTable());
    }

    private static JsonValidator CompileSchema(JsonElement schema, JsonNameTable table)
    {
        if (schema.ValueKind != JsonValueKind.Object)
        {
            throw Unsupported("a schema that is not an object");
        }

        foreach (var keyword in schema.EnumerateObject())
        {
            if (!Keywords.Contains(keyword.Name) && !Annotations.Contains(keyword.Name))
            {
                throw Unsupported($"the keyword '{keyword.Name}'");
            }
        }

        var parts = new List<JsonValidator>();
        if (schema.TryGetProperty("type", out var type))
        {
            parts.Add(CompileType(type));
        }

        if (schema.TryGetProperty("enum", out var values))
        {
            parts.Add(new EnumValidator(CompileEnum(values)));
        }

        if (schema.TryGetProperty("required", out var required))
        {
            // One branch holding every name: all of them must be there.
            parts.Add(new AnyRequiredValidator(table, [Mask(required, table)]));
        }

        AddProperties(schema, parts, table);
        AddCount(schema, "minProperties", "maxProperties", JsonValueKind.Object, parts);
        if (schema.TryGetProperty("items", out var items))
        {
            parts.Add(new ItemsValidator(CompileSchema(items, table)));
        }

        AddCount(schema, "minItems", "maxItems", JsonValueKind.Array, parts);
        AddString(schema, parts);
        AddRange(schema, parts);
        if (schema.TryGetProperty("allOf", out var allOf))
        {
            parts.Add(new AllOfValidator(CompileSchemas(allOf, table)));
        }

        if (schema.TryGetProperty("anyOf", out var anyOf))
        {
            parts.Add(CompileAnyOf(anyOf, table));
        }

        if (schema.TryGetProperty("oneOf", out var oneOf))
        {
            parts.Add(CompileOneOf(oneOf, table));
        }

        if (schema.TryGetProperty("not", out var not))
        {
            parts.Add(new NotValidator(CompileSchema(not, table)));
        }

        return parts.Count == 1 ? parts[0] : new AllOfValidator([.. parts]);
    }

    private static TypeValidator CompileType(JsonElement type) => type.ValueKind == JsonValueKind.String
        ? type.GetString() switch
        {
            "object" => new TypeValidator(JsonValueKind.Object, integer: false),
            "array" => new TypeValidator(JsonValueKind.Array, integer: false),
            "string" => new TypeValidator(JsonValueKind.String, integer: false),
            "number" => new TypeValidator(JsonValueKind.Number, integer: false),
            "integer" => new TypeValidator(JsonValueKind.Number, integer: true),
            "boolean" => new TypeValidator(JsonValueKind.True, integer: false),
            // "null" changes what NJsonSchema treats as nullable throughout the schema.
            var other => throw Unsupported($"the type '{other}'"),
        }
        : throw Unsupported("a type that is not one name");

    private static byte[][] CompileEnum(JsonElement values)
    {
        if (values.ValueKind != JsonValueKind.Array)
        {
            throw Unsupported("an enum that is not an array");
        }

        var result = new byte[values.GetArrayLength()][];
        int i = 0;
        foreach (var value in values.EnumerateArray())
        {
            string? text = value.ValueKind == JsonValueKind.String ? value.GetString() : null;
            if (text is null || text.Length == 0 || !char.IsAsciiLetter(text[0]) || AmbiguousEnumValues.Contains(text))
            {
                throw Unsupported($"the enum value {value.GetRawText()}");
            }

            result[i++] = Encoding.UTF8.GetBytes(text);
        }

        return result;
    }

    private static void AddProperties(JsonElement schema, List<JsonValidator> parts, JsonNameTable table)
    {
        bool hasProperties = schema.TryGetProperty("properties", out var properties);
        bool hasPatterns = schema.TryGetProperty("patternProperties", out var patternProperties);
        bool hasAdditional = schema.TryGetProperty("additionalProperties", out var additionalProperties);
        if (!hasProperties && !hasPatterns && !hasAdditional)
        {
            return;
        }

        var ids = new List<int>();
        var schemas = new List<JsonValidator>();
        foreach (var property in Members(hasProperties, properties, "properties"))
        {
            ids.Add(table.Add(Encoding.UTF8.GetBytes(property.Name)));
            schemas.Add(CompileSchema(property.Value, table));
        }

        var patterns = new List<PatternMatcher>();
        var patternSchemas = new List<JsonValidator>();
        foreach (var property in Members(hasPatterns, patternProperties, "patternProperties"))
        {
            patterns.Add(CompilePattern(property.Name));
            patternSchemas.Add(CompileSchema(property.Value, table));
        }

        bool allowAdditional = true;
        JsonValidator? additional = null;
        if (hasAdditional)
        {
            switch (additionalProperties.ValueKind)
            {
                case JsonValueKind.True: break;
                case JsonValueKind.False: allowAdditional = false; break;
                case JsonValueKind.Object: additional = CompileSchema(additionalProperties, table); break;
                default: throw Unsupported("additionalProperties that is neither a boolean nor a schema");
            }
        }

        parts.Add(new PropertiesValidator(table, [.. ids], [.. schemas], [.. patterns], [.. patternSchemas], allowAdditional, additional));
    }

    private static JsonElement.ObjectEnumerator Members(bool present, JsonElement element, string keyword)
    {
        if (!present)
        {
            return default;
        }

        return element.ValueKind == JsonValueKind.Object ? element.EnumerateObject() : throw Unsupported($"{keyword} that is not an object");
    }

    private static void AddCount(JsonElement schema, string minKeyword, string maxKeyword, JsonValueKind kind, List<JsonValidator> parts)
    {
        int? min = Integer(schema, minKeyword), max = Integer(schema, maxKeyword);
        if (min is not null || max is not null)
        {
            parts.Add(new CountValidator(kind, min ?? 0, max ?? 0));
        }
    }

    private static void AddString(JsonElement schema, List<JsonValidator> parts)
    {
        PatternMatcher? pattern = null;
        if (schema.TryGetProperty("pattern", out var text))
        {
            pattern = text.ValueKind == JsonValueKind.String ? CompilePattern(text.GetString()!) : throw Unsupported("a pattern that is not a string");
        }

        int? minLength = Integer(schema, "minLength"), maxLength = Integer(schema, "maxLength");
        if (pattern is not null || minLength is not null || maxLength is not null)
        {
            parts.Add(new StringValidator(pattern, minLength, maxLength));
        }
    }

    private static void AddRange(JsonElement schema, List<JsonValidator> parts)
    {
        decimal? minimum = Number(schema, "minimum"), maximum = Number(schema, "maximum");
        (bool minimumIsExclusive, decimal? exclusiveMinimum) = Exclusive(schema, "exclusiveMinimum");
        (bool maximumIsExclusive, decimal? exclusiveMaximum) = Exclusive(schema, "exclusiveMaximum");
        if (minimum is not null || maximum is not null || exclusiveMinimum is not null || exclusiveMaximum is not null)
        {
            parts.Add(new NumberRangeValidator(
                new NumberBounds(minimum, minimumIsExclusive, maximum, maximumIsExclusive, exclusiveMinimum, exclusiveMaximum)));
        }
    }

    // Draft 4 writes a boolean beside minimum/maximum; later drafts write the bound itself.
    private static (bool Flag, decimal? Bound) Exclusive(JsonElement schema, string keyword)
    {
        if (!schema.TryGetProperty(keyword, out var value))
        {
            return (false, null);
        }

        return value.ValueKind switch
        {
            JsonValueKind.True => (true, null),
            JsonValueKind.False => (false, null),
            JsonValueKind.Number => (false, value.GetDecimal()),
            _ => throw Unsupported($"{keyword} that is neither a boolean nor a number"),
        };
    }

    private static JsonValidator[] CompileSchemas(JsonElement schemas, JsonNameTable table)
    {
        if (schemas.ValueKind != JsonValueKind.Array || schemas.GetArrayLength() == 0)
        {
            throw Unsupported("a list of schemas that is not a non-empty array");
        }

        var result = new JsonValidator[schemas.GetArrayLength()];
        int i = 0;
        foreach (var schema in schemas.EnumerateArray())
        {
            result[i++] = CompileSchema(schema, table);
        }

        return result;
    }

    private static JsonValidator CompileAnyOf(JsonElement anyOf, JsonNameTable table)
    {
        var branches = CompileSchemas(anyOf, table);
        var masks = new List<ulong>();
        foreach (var branch in anyOf.EnumerateArray())
        {
            if (branch.GetPropertyCount() != 1 || !branch.TryGetProperty("required", out var required))
            {
                return new AnyOfValidator(branches);
            }

            masks.Add(Mask(required, table));
        }

        return new AnyRequiredValidator(table, [.. masks]);
    }

    private static JsonValidator CompileOneOf(JsonElement oneOf, JsonNameTable table)
    {
        var branches = CompileSchemas(oneOf, table);
        foreach (var candidate in Discriminators(oneOf[0]))
        {
            var branchValues = new byte[branches.Length][][];
            int i = 0;
            foreach (var branch in oneOf.EnumerateArray())
            {
                if (!TryGetEnum(branch, candidate, out var values))
                {
                    break;
                }

                branchValues[i++] = values;
            }

            if (i == branches.Length)
            {
                return new DiscriminatedOneOfValidator(table, table.Add(Encoding.UTF8.GetBytes(candidate)), branchValues, branches);
            }
        }

        return new OneOfValidator(branches);
    }

    // The properties of a branch restricted to an enum: candidates for the property that tells the branches apart.
    private static List<string> Discriminators(JsonElement branch)
    {
        var names = new List<string>();
        if (branch.TryGetProperty("properties", out var properties) && properties.ValueKind == JsonValueKind.Object)
        {
            foreach (var property in properties.EnumerateObject())
            {
                if (TryGetEnum(branch, property.Name, out _))
                {
                    names.Add(property.Name);
                }
            }
        }

        return names;
    }

    private static bool TryGetEnum(JsonElement branch, string property, out byte[][] values)
    {
        values = [];
        if (branch.ValueKind != JsonValueKind.Object
            || !branch.TryGetProperty("properties", out var properties) || properties.ValueKind != JsonValueKind.Object
            || !properties.TryGetProperty(property, out var schema) || schema.ValueKind != JsonValueKind.Object
            || !schema.TryGetProperty("enum", out var enumeration))
        {
            return false;
        }

        values = CompileEnum(enumeration);
        return true;
    }

    /// <summary>The bits of the ids of a <c>required</c> list's names.</summary>
    private static ulong Mask(JsonElement names, JsonNameTable table)
    {
        if (names.ValueKind != JsonValueKind.Array)
        {
            throw Unsupported("required that is not an array of names");
        }

        ulong mask = 0;
        foreach (var name in names.EnumerateArray())
        {
            string text = name.ValueKind == JsonValueKind.String ? name.GetString()! : throw Unsupported("required that is not an array of names");
            mask |= 1UL << table.Add(Encoding.UTF8.GetBytes(text));
        }

        return mask;
    }

    private static PatternMatcher CompilePattern(string pattern) => new(pattern);

    private static int? Integer(JsonElement schema, string keyword) =>
        !schema.TryGetProperty(keyword, out var value) ? null
        : value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out int result) ? result
        : throw Unsupported($"{keyword} that is not an integer");

    private static decimal? Number(JsonElement schema, string keyword) =>
        !schema.TryGetProperty(keyword, out var value) ? null
        : value.ValueKind == JsonValueKind.Number ? value.GetDecimal()
        : throw Unsupported($"{keyword} that is not a number");

    private static NotSupportedException Unsupported(string what) =>
        new($"The record schema uses {what}, which the compiled validator does not implement.");
}
