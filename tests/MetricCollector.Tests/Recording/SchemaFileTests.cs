using System.Text.Json;
using MetricCollector.Recording;

namespace MetricCollector.Tests.Recording;

/// <summary>The schema file is the single source of truth; the limits repeated in code must match it.</summary>
public sealed class SchemaFileTests
{
    private static readonly JsonElement Properties = JsonDocument.Parse(RecordSchema.ReadText()).RootElement.GetProperty("properties");

    [Fact]
    public void The_embedded_schema_is_the_file_in_the_repository()
    {
        string file = File.ReadAllText(RepositoryPaths.Of("schemas", "metric_record.schema.json"));

        Assert.Equal(file.ReplaceLineEndings(), RecordSchema.ReadText().ReplaceLineEndings());
    }

    [Fact]
    public void Limits_in_code_match_the_schema()
    {
        Assert.Equal(RecordLimits.MaxNameLength, Properties.GetProperty("metric_name").GetProperty("maxLength").GetInt32());
        Assert.Equal(RecordLimits.MaxValues, Properties.GetProperty("values").GetProperty("maxItems").GetInt32());
        Assert.Equal(RecordLimits.MaxBuckets, Properties.GetProperty("buckets").GetProperty("maxItems").GetInt32());
        Assert.Equal(RecordLimits.MaxObjectives, Properties.GetProperty("objectives").GetProperty("maxItems").GetInt32());
        Assert.Equal(RecordLimits.MinObjectiveError, Properties.GetProperty("objectives").GetProperty("items").GetProperty("properties").GetProperty("error").GetProperty("minimum").GetDouble());
        Assert.Equal(RecordLimits.MaxHelpLength, Properties.GetProperty("help").GetProperty("maxLength").GetInt32());
        Assert.Equal((long)RecordLimits.MaxTimeToLive.TotalSeconds, Properties.GetProperty("ttl_seconds").GetProperty("maximum").GetInt64());
        var labels = Properties.GetProperty("labels");
        Assert.Equal(RecordLimits.MaxLabels, labels.GetProperty("maxProperties").GetInt32());
        var labelPattern = labels.GetProperty("patternProperties").EnumerateObject().Single();
        Assert.EndsWith("{0," + (RecordLimits.MaxLabelNameLength - 1) + "}$", labelPattern.Name, StringComparison.Ordinal);
        Assert.Equal(RecordLimits.MaxLabelValueLength, labelPattern.Value.GetProperty("maxLength").GetInt32());
    }

    [Fact]
    public void The_schema_uses_no_keyword_NJsonSchema_ignores()
    {
        string text = RecordSchema.ReadText();

        Assert.DoesNotContain("\"if\"", text, StringComparison.Ordinal);
        Assert.DoesNotContain("\"const\"", text, StringComparison.Ordinal);
        Assert.DoesNotContain("\"propertyNames\"", text, StringComparison.Ordinal);
    }
}
