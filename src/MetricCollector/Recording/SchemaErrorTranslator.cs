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
        var rejection = TranslateErrors(record, errors);

        // A batch item is validated in place, so NJsonSchema's paths start with its position in the array ("[3].value").
        string itemPrefix = record.Path;
        if (itemPrefix.Length > 0)
        {
            string prefix = ParentPointer(itemPrefix);
            if (rejection.Field.StartsWith(prefix, StringComparison.Ordinal))
            {
                rejection = rejection with { Field = rejection.Field[prefix.Length..] };
            }
        }

        return rejection;
    }

    private static RecordRejection TranslateErrors(JObject record, ICollection<ValidationError> errors)
    {
        ValidationError? oneOf = null;
        foreach (var error in errors)
        {
            if (error.Kind == ValidationErrorKind.NotOneOf && ReferenceEquals(error.Schema, RecordSchema.Instance))
            {
                oneOf = error;
                continue;
            }

            return Describe(error);
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
                            return DescribeTypeRule(record, typeName, error);
                        }
                    }
                }
            }
        }

        return new RecordRejection(RejectionReason.SchemaViolation, "", "the record does not match schemas/metric_record.schema.json.");
    }

    private static RecordRejection DescribeTypeRule(JObject record, string type, ValidationError error)
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
                return Violation("/labels/" + label, $"label name '{label}' is reserved on {type}s.");
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

        return Describe(error);
    }

    private static RecordRejection Describe(ValidationError error)
    {
        if (error is ChildSchemaValidationError child && error.Kind is ValidationErrorKind.ArrayItemNotValid or ValidationErrorKind.AdditionalItemNotValid)
        {
            foreach (var (_, nested) in child.Errors)
            {
                foreach (var inner in nested)
                {
                    return Describe(inner);
                }
            }
        }

        string field = Pointer(error);
        string name = field.Length == 0 ? "the record" : field[1..];
        var schema = error.Schema;
        string detail = error.Kind switch
        {
            ValidationErrorKind.NoAdditionalPropertiesAllowed when field.StartsWith("/labels/", StringComparison.Ordinal) =>
                $"label name '{error.Property}' must match ^[a-zA-Z_][a-zA-Z0-9_]*$, have at most {RecordLimits.MaxLabelNameLength} characters and not start with __.",
            ValidationErrorKind.NoAdditionalPropertiesAllowed =>
                $"unknown field '{error.Property}'; a record has metric_name, metric_type, value, values, operation, labels, buckets, objectives and help.",
            ValidationErrorKind.PropertyRequired => $"{name} is required.",
            ValidationErrorKind.PatternMismatch when field == "/metric_name" => "metric_name must match ^[a-zA-Z_][a-zA-Z0-9_]*$.",
            ValidationErrorKind.PatternMismatch => $"{name} must match {schema?.Pattern}.",
            ValidationErrorKind.StringTooLong => $"{name} must have at most {schema?.MaxLength} characters.",
            ValidationErrorKind.StringTooShort => $"{name} must not be empty.",
            ValidationErrorKind.NotInEnumeration => $"{name} must be one of: {EnumerationOf(schema)}.",
            ValidationErrorKind.TooManyItems => $"{name} must have at most {schema?.MaxItems} items.",
            ValidationErrorKind.TooFewItems => $"{name} must have at least {schema?.MinItems} item.",
            ValidationErrorKind.TooManyProperties => $"{name} must have at most {schema?.MaxProperties} entries.",
            ValidationErrorKind.NumberTooSmall or ValidationErrorKind.NumberTooBig => $"{name} must be strictly between 0 and 1.",
            ValidationErrorKind.StringExpected => $"{name} must be a string.",
            ValidationErrorKind.NumberExpected => $"{name} must be a number.",
            ValidationErrorKind.ArrayExpected => $"{name} must be an array.",
            ValidationErrorKind.ObjectExpected => $"{name} must be an object.",
            _ => $"{name} is invalid ({error.Kind}).",
        };
        return Violation(field, detail);
    }

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
