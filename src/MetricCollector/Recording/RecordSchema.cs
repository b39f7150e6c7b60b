using NJsonSchema;

namespace MetricCollector.Recording;

/// <summary><c>schemas/metric_record.schema.json</c>, embedded at build time so the file stays the single source of truth.</summary>
internal static class RecordSchema
{
    private static readonly Lazy<JsonSchema> Schema = new(Load);

    public static JsonSchema Instance => Schema.Value;

    /// <summary>NJsonSchema's errors for <paramref name="token"/>, without those JSON Schema would not raise (<see cref="SchemaCorrections"/>).</summary>
    public static List<NJsonSchema.Validation.ValidationError> Validate(Newtonsoft.Json.Linq.JToken token) =>
        SchemaCorrections.Filter(Instance.Validate(token));

    public static string ReadText()
    {
        using var stream = typeof(RecordSchema).Assembly.GetManifestResourceStream("MetricCollector.metric_record.schema.json")
            ?? throw new InvalidOperationException("The embedded record schema is missing from the assembly.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    private static JsonSchema Load() => JsonSchema.FromJsonAsync(ReadText()).GetAwaiter().GetResult();
}
