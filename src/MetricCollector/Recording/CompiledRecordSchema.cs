using MetricCollector.Recording.Validation;

namespace MetricCollector.Recording;

/// <summary><c>schemas/metric_record.schema.json</c> compiled once into a fast validator with NJsonSchema's verdicts.</summary>
internal static class CompiledRecordSchema
{
    private static readonly Lazy<JsonValidator?> Compiled = new(() => TryCompile(RecordSchema.ReadText()));

    /// <summary>The validator, or null when the schema uses a keyword it does not implement: NJsonSchema then checks every record.</summary>
    public static JsonValidator? Validator => Compiled.Value;

    public static JsonValidator? TryCompile(string schemaText)
    {
        try
        {
            return SchemaCompiler.Compile(schemaText);
        }
        catch (NotSupportedException)
        {
            return null;
        }
    }
}
