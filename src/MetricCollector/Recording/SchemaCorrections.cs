using MetricCollector.Recording.Validation;
using Newtonsoft.Json.Linq;
using NJsonSchema;
using NJsonSchema.Validation;

namespace MetricCollector.Recording;

/// <summary>
/// NJsonSchema's refusals where it departs from JSON Schema, which the reference path drops: it compares a number
/// with <c>minimum</c>/<c>maximum</c> as a <see cref="decimal"/> (so 1e-29 becomes 0 and 0.9999999999999999 becomes
/// 1, outside (0, 1)), and counts a string's length for <c>maxLength</c> in UTF-16 units (513 emoji are 1026) where
/// JSON Schema counts code points. Such an error is dropped when the double, or the code point count, is within the
/// bound. Only refusals can be dropped, and only outside <c>oneOf</c>/<c>anyOf</c>/<c>not</c> (whose verdicts NJsonSchema
/// reports without them); the record schema has no length or bound there that rounding could break (a counter's
/// <c>minimum: 0</c> never refuses a non-negative double). The compiled validator judges the same way, as the
/// differential test proves.
/// </summary>
internal static class SchemaCorrections
{
    /// <summary>The errors that are not <see cref="IsSpurious">spurious</see>.</summary>
    public static List<ValidationError> Filter(ICollection<ValidationError> errors)
    {
        var kept = new List<ValidationError>(errors.Count);
        foreach (var error in errors)
        {
            if (!IsSpurious(error))
            {
                kept.Add(error);
            }
        }

        return kept;
    }

    /// <summary>True for an error JSON Schema would not raise, or one made only of such errors.</summary>
    public static bool IsSpurious(ValidationError error)
    {
        switch (error.Kind)
        {
            case ValidationErrorKind.StringTooLong:
                return error.Token is JValue { Type: JTokenType.String, Value: string text }
                    && error.Schema?.MaxLength is int maxLength
                    && CodePoints.Count(text) <= maxLength;
            case ValidationErrorKind.NumberTooSmall or ValidationErrorKind.NumberTooBig:
                return error.Token is JValue { Type: JTokenType.Float, Value: double value }
                    && error.Schema is { } schema
                    && BoundsOf(schema).Admits(value);
            case ValidationErrorKind.ArrayItemNotValid or ValidationErrorKind.AdditionalItemNotValid or ValidationErrorKind.AdditionalPropertiesNotValid
                when error is ChildSchemaValidationError child:
                bool any = false;
                foreach (var (_, nested) in child.Errors)
                {
                    foreach (var inner in nested)
                    {
                        if (!IsSpurious(inner))
                        {
                            return false;
                        }

                        any = true;
                    }
                }

                return any;
            default:
                return false;
        }
    }

    private static NumberBounds BoundsOf(JsonSchema schema) =>
        new(schema.Minimum, schema.IsExclusiveMinimum, schema.Maximum, schema.IsExclusiveMaximum, schema.ExclusiveMinimum, schema.ExclusiveMaximum);
}
