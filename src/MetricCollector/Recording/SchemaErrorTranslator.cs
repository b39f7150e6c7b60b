using Newtonsoft.Json.Linq;
using NJsonSchema.Validation;

namespace MetricCollector.Recording;

/// <summary>
/// Turns NJsonSchema's verdict into one precise rejection: a JSON Pointer to the field and a sentence that says what
/// to send instead. For the type-specific rules (the schema's <c>oneOf</c>) it reads only the branch of the record's
/// own <c>metric_type</c>, so a gauge error does not talk about histograms.
/// </summary>
internal static class SchemaErrorTranslator
{
    private const string RootPath = "#/";

    public static RecordRejection Translate(JObject record, ICollection<ValidationError> errors)
    {
        // A batch item is validated in place, so NJsonSchema's paths start with its position in the array ("[3].value"):
        // every pointer and sentence is made relative to the item, whose index the answer gives apart.
        string itemPrefix = ParentPointer(record.Path);
        ValidationError? oneOf = null;
        foreach (var error in errors)
        {
            if (error.Kind == ValidationErrorKind.NotOneOf && ReferenceEquals(error.Schema, RecordSchema.Instance))
            {
                oneOf = error;
                continue;
            }

            return Describe(error, itemPrefix);
        }

        if (oneOf is ChildSchemaValidationError branches && (string?)record["metric_type"] is { } typeName)
        {
            foreach (var (branch, branchErrors) in branches.Errors)
            {
                if (branch.Title == typeName)
                {
                    foreach (var error in branchErrors)
                    {
                        if (error.Property != "metric_type")
                        {
                            return DescribeTypeRule(record, typeName, error, itemPrefix);
                        }
                    }
                }
            }
        }

        return new RecordRejection(RejectionReason.SchemaViolation, "", "the record does not match schemas/metric_record.schema.json.");
    }

    private static RecordRejection DescribeTypeRule(JObject record, string type, ValidationError error, string itemPrefix)
    {
        switch (error.Kind)
        {
            case ValidationErrorKind.NotOneOf:
                bool both = record.ContainsKey("value") && record.ContainsKey("values");
                return both
                    ? Violation("/values", $"a {type} record takes value or values, not both.")
                    : Violation("/value", $"a {type} record needs value (one observation) or values (an array of observations).");
            case ValidationErrorKind.ExcludedSchemaValidates when error.Property == "labels":
                string label = type == "histogram" ? "le" : "quantile";
                return Violation("/labels/" + label, $"label name '{label}' is reserved on {Plural(type)}.");
            case ValidationErrorKind.ExcludedSchemaValidates:
                foreach (string field in ForbiddenFields(type))
                {
                    if (record.ContainsKey(field))
                    {
                        return Violation("/" + field, $"{field} is not allowed on a {type}; {AllowedOn(field)}.");
                    }
                }

                break;
            case ValidationErrorKind.PropertyRequired when error.Property == "value":
                return Violation("/value", $"a {type} record needs value.");
            case ValidationErrorKind.NumberTooSmall when type == "counter":
                return new RecordRejection(RejectionReason.InvalidValue, "/value",
                    "a counter increment must be >= 0: counters never decrease (use a gauge for values that go down).");
        }

        return Describe(error, itemPrefix);
    }

    private static RecordRejection Describe(ValidationError error, string itemPrefix)
    {
        if (error is ChildSchemaValidationError child
            && error.Kind is ValidationErrorKind.ArrayItemNotValid or ValidationErrorKind.AdditionalItemNotValid or ValidationErrorKind.AdditionalPropertiesNotValid)
        {
            foreach (var (_, nested) in child.Errors)
            {
                foreach (var inner in nested)
                {
                    if (!SchemaCorrections.IsSpurious(inner))
                    {
                        return Describe(inner, itemPrefix);
                    }
                }
            }
        }

        string field = Pointer(error);
        if (itemPrefix.Length > 0 && field.StartsWith(itemPrefix, StringComparison.Ordinal))
        {
            field = field[itemPrefix.Length..];
        }

        string name = field.Length == 0 ? "the record" : Echo.Pointer(field[1..]);
        var schema = error.Schema;
        bool isLabel = field.StartsWith("/labels/", StringComparison.Ordinal);
        // Label names that reach a value check match the name pattern: no escaping in the pointer.
        string label = isLabel ? field["/labels/".Length..] : "";
        switch (error.Kind)
        {
            case ValidationErrorKind.StringTooLong when isLabel && error.Token is JValue { Value: string value }:
                return new RecordRejection(RejectionReason.LabelValueTooLong, field,
                    $"the value of label '{Echo.Of(label)}' has {CodePoints.Count(value)} characters; at most {schema?.MaxLength} are allowed.");
            case ValidationErrorKind.TooManyProperties when field == "/labels":
                return new RecordRejection(RejectionReason.TooManyLabels, field,
                    $"the record carries {(error.Token as JObject)?.Count} labels; at most {schema?.MaxProperties} are allowed.");
        }

        string detail = error.Kind switch
        {
            ValidationErrorKind.NoAdditionalPropertiesAllowed when isLabel =>
                $"label name '{Echo.Of(error.Property ?? "")}' must match ^[a-zA-Z_][a-zA-Z0-9_]*$, have at most {RecordLimits.MaxLabelNameLength} characters and not start with __.",
            ValidationErrorKind.NoAdditionalPropertiesAllowed =>
                $"unknown field '{Echo.Of(error.Property ?? "")}'; {(field.LastIndexOf('/') <= 0 ? "a record" : Echo.Pointer(field[1..field.LastIndexOf('/')]))} has {FieldsOf(schema)}.",
            ValidationErrorKind.StringExpected when isLabel => $"the value of label '{Echo.Of(label)}' must be a string, not {KindOf(error.Token)}.",
            ValidationErrorKind.IntegerExpected when field == "/ttl_seconds" && error.Token?.Type == JTokenType.Float =>
                "ttl_seconds must be a whole number of seconds, without a decimal point or exponent (10, not 10.0).",
            ValidationErrorKind.IntegerExpected when field == "/ttl_seconds" => $"ttl_seconds must be a whole number of seconds, not {KindOf(error.Token)}.",
            ValidationErrorKind.IntegerExpected => $"{name} must be a whole number, without a decimal point or exponent.",
            ValidationErrorKind.PropertyRequired => $"{name} is required.",
            ValidationErrorKind.PatternMismatch when field == "/metric_name" => "metric_name must match ^[a-zA-Z_][a-zA-Z0-9_]*$.",
            ValidationErrorKind.PatternMismatch => $"{name} must match {schema?.Pattern}.",
            ValidationErrorKind.StringTooLong => $"{name} must have at most {schema?.MaxLength} characters.",
            ValidationErrorKind.StringTooShort => $"{name} must not be empty.",
            ValidationErrorKind.NotInEnumeration => $"{name} must be one of: {EnumerationOf(schema)}.",
            ValidationErrorKind.TooManyItems => $"{name} must have at most {schema?.MaxItems} items.",
            ValidationErrorKind.TooFewItems => $"{name} must have at least {schema?.MinItems} item.",
            ValidationErrorKind.TooManyProperties => $"{name} must have at most {schema?.MaxProperties} entries.",
            ValidationErrorKind.NumberTooSmall or ValidationErrorKind.NumberTooBig => $"{name} must be {RangeOf(schema)}.",
            ValidationErrorKind.StringExpected => $"{name} must be a string.",
            ValidationErrorKind.NumberExpected => $"{name} must be a number.",
            ValidationErrorKind.ArrayExpected => $"{name} must be an array.",
            ValidationErrorKind.ObjectExpected => $"{name} must be an object.",
            _ => $"{name} is invalid ({error.Kind}).",
        };
        return Violation(field, detail);
    }

    private static string Plural(string type) => type == "summary" ? "summaries" : type + "s";

    /// <summary>The fields an object schema allows, from the schema itself, so the list cannot drift from it.</summary>
    private static string FieldsOf(NJsonSchema.JsonSchema? schema)
    {
        var names = schema is null ? [] : new List<string>(schema.Properties.Keys);
        return names.Count switch
        {
            0 => "no other fields",
            1 => names[0],
            _ => string.Join(", ", names.GetRange(0, names.Count - 1)) + " and " + names[^1],
        };
    }

    /// <summary>The bounds of a number schema in words: "between 1 and 2592000", "strictly between 0 and 1", "&gt;= 0".</summary>
    private static string RangeOf(NJsonSchema.JsonSchema? schema)
    {
        if (schema is null)
        {
            return "within the schema's bounds";
        }

        (decimal? low, bool lowExclusive) = schema.ExclusiveMinimum is decimal exclusiveMin ? (exclusiveMin, true) : (schema.Minimum, schema.IsExclusiveMinimum);
        (decimal? high, bool highExclusive) = schema.ExclusiveMaximum is decimal exclusiveMax ? (exclusiveMax, true) : (schema.Maximum, schema.IsExclusiveMaximum);
        string Format(decimal bound) => bound.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return (low, high) switch
        {
            (decimal l, decimal h) when lowExclusive == highExclusive => $"{(lowExclusive ? "strictly " : "")}between {Format(l)} and {Format(h)}",
            (decimal l, decimal h) => $"{(lowExclusive ? ">" : ">=")} {Format(l)} and {(highExclusive ? "<" : "<=")} {Format(h)}",
            (decimal l, null) => $"{(lowExclusive ? ">" : ">=")} {Format(l)}",
            (null, decimal h) => $"{(highExclusive ? "<" : "<=")} {Format(h)}",
            _ => "within the schema's bounds",
        };
    }

    private static string KindOf(JToken? token) => token?.Type switch
    {
        JTokenType.Integer or JTokenType.Float => "a number",
        JTokenType.String => "a string",
        JTokenType.Boolean => "a boolean",
        JTokenType.Null => "null",
        JTokenType.Array => "an array",
        JTokenType.Object => "an object",
        _ => "that",
    };

    private static string[] ForbiddenFields(string type) => type switch
    {
        "counter" => ["values", "operation", "buckets", "objectives"],
        "gauge" => ["values", "buckets", "objectives"],
        "histogram" => ["operation", "objectives"],
        _ => ["operation", "buckets"],
    };

    private static string AllowedOn(string field) => field switch
    {
        "values" => "values is for histograms and summaries",
        "operation" => "operation is for gauges",
        "buckets" => "buckets is for histograms",
        _ => "objectives is for summaries",
    };

    private static string EnumerationOf(NJsonSchema.JsonSchema? schema) =>
        schema is null ? "" : string.Join(", ", schema.Enumeration);

    /// <summary>
    /// A JSON Pointer from NJsonSchema's path (<c>#/labels.a.b</c> for property <c>a.b</c>): the parent part is made of
    /// the schema's own field names and array indexes, the last part is the property, which may contain dots.
    /// </summary>
    internal static string Pointer(ValidationError error)
    {
        string path = error.Path ?? RootPath;
        string rest = path.StartsWith(RootPath, StringComparison.Ordinal) ? path[RootPath.Length..] : path.TrimStart('#');
        string? property = error.Property;
        if (string.IsNullOrEmpty(property))
        {
            return ParentPointer(rest);
        }

        string parent = rest.EndsWith(property, StringComparison.Ordinal) ? rest[..^property.Length].TrimEnd('.') : rest;
        string token = property.StartsWith('[') && property.EndsWith(']') ? property[1..^1] : JsonPointer.Escape(property);
        return ParentPointer(parent) + "/" + token;
    }

    private static string ParentPointer(string path)
    {
        if (path.Length == 0)
        {
            return "";
        }

        var pointer = new System.Text.StringBuilder(path.Length + 2);
        pointer.Append('/');
        foreach (char c in path)
        {
            switch (c)
            {
                case '.': pointer.Append('/'); break;
                case '[': pointer.Append('/'); break;
                case ']': break;
                default: pointer.Append(c); break;
            }
        }

        return pointer.ToString().Replace("//", "/", StringComparison.Ordinal);
    }

    private static RecordRejection Violation(string field, string detail) =>
        new(RejectionReason.SchemaViolation, field, detail);
}
