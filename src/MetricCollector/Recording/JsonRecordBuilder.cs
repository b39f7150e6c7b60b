using System.Text.Json;
using MetricCollector.Recording.Validation;

namespace MetricCollector.Recording;

/// <summary>
/// Builds a <see cref="MetricRecord"/> from an object the compiled schema accepted, exactly as
/// <see cref="SchemaRecordReader"/> builds it from Newtonsoft's tree: same numbers, same defaults, fields the record
/// does not carry ignored.
/// </summary>
internal static class JsonRecordBuilder
{
    /// <summary>The record, or null when a field is not of the kind the schema promised (the caller then takes the reference path).</summary>
    public static MetricRecord? TryBuild(TapeElement json)
    {
        string? name = null, typeName = null, help = null;
        double? value = null;
        double[]? values = null, buckets = null;
        var operation = GaugeOperation.Set;
        LabelSet? labels = null;
        QuantileObjective[]? objectives = null;
        TimeSpan? timeToLive = null;
        foreach (var property in json.EnumerateObject())
        {
            var field = property.Value;
            var key = property.Utf8Name;
            bool ok = true;
            if (key.SequenceEqual("metric_name"u8))
            {
                ok = TryString(field, out name);
            }
            else if (key.SequenceEqual("metric_type"u8))
            {
                ok = TryString(field, out typeName);
            }
            else if (key.SequenceEqual("value"u8))
            {
                ok = field.ValueKind == JsonValueKind.Number;
                value = ok ? JsonNumber.Read(field).Value : null;
            }
            else if (key.SequenceEqual("values"u8))
            {
                ok = TryDoubles(field, out values);
            }
            else if (key.SequenceEqual("labels"u8))
            {
                ok = TryLabels(field, out labels);
            }
            else if (key.SequenceEqual("operation"u8))
            {
                operation = field.ValueEquals("inc"u8) ? GaugeOperation.Inc : field.ValueEquals("dec"u8) ? GaugeOperation.Dec : GaugeOperation.Set;
            }
            else if (key.SequenceEqual("buckets"u8))
            {
                ok = TryDoubles(field, out buckets);
            }
            else if (key.SequenceEqual("objectives"u8))
            {
                ok = TryObjectives(field, out objectives);
            }
            else if (key.SequenceEqual("help"u8))
            {
                ok = TryString(field, out help);
            }
            else if (key.SequenceEqual("ttl_seconds"u8))
            {
                ok = TryInteger(field, out long seconds);
                timeToLive = ok ? TimeSpan.FromSeconds(seconds) : null;
            }

            if (!ok)
            {
                return null;
            }
        }

        if (name is null || !TypeNames.TryParse(typeName, out var type))
        {
            return null;
        }

        return new MetricRecord(name, type)
        {
            Value = value,
            Values = values,
            Operation = operation,
            Buckets = buckets,
            Objectives = objectives,
            Help = help,
            TimeToLive = timeToLive,
            Labels = labels ?? MetricRecord.EmptyLabels,
        };
    }

    // Names and label values repeat from record to record: decoded once, shared by the records (strings are immutable).
    private static readonly Utf8StringCache Strings = new(4096);

    // So do whole label sets: a series sent again shares the set of its last record instead of building one.
    private static readonly LabelSetCache LabelSets = new(4096);

    private static bool TryString(TapeElement element, out string? text)
    {
        text = element.ValueKind != JsonValueKind.String ? null
            : element.ValueIsEscaped ? element.GetString()
            : Strings.Get(element.RawValue);
        return text is not null;
    }

    private static bool TryInteger(TapeElement element, out long integer)
    {
        var number = element.ValueKind == JsonValueKind.Number ? JsonNumber.Read(element) : default;
        integer = number.Integer;
        return number.IsInteger;
    }

    private static bool TryDoubles(TapeElement element, out double[]? result)
    {
        result = null;
        if (element.ValueKind != JsonValueKind.Array)
        {
            return false;
        }

        var doubles = new double[element.GetArrayLength()];
        int i = 0;
        foreach (var item in element.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Number)
            {
                return false;
            }

            doubles[i++] = JsonNumber.Read(item).Value;
        }

        result = doubles;
        return true;
    }

    private static bool TryLabels(TapeElement element, out LabelSet? result)
    {
        result = null;
        if (element.ValueKind != JsonValueKind.Object)
        {
            return false;
        }

        if (LabelSets.Find(element, out int slot) is { } known)
        {
            result = known;
            return true;
        }

        var pairs = new string[element.GetPropertyCount() * 2];
        int i = 0;
        foreach (var property in element.EnumerateObject())
        {
            if (!TryString(property.Value, out string? text))
            {
                return false;
            }

            pairs[i++] = property.NameIsEscaped ? property.GetName() : Strings.Get(property.RawName);
            pairs[i++] = text!;
        }

        result = new LabelSet(pairs);
        LabelSets.Keep(slot, result);
        return true;
    }

    private static bool TryObjectives(TapeElement element, out QuantileObjective[]? result)
    {
        result = null;
        if (element.ValueKind != JsonValueKind.Array)
        {
            return false;
        }

        var objectives = new QuantileObjective[element.GetArrayLength()];
        int i = 0;
        foreach (var item in element.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Object
                || !item.TryGetProperty("quantile"u8, out var quantile) || quantile.ValueKind != JsonValueKind.Number
                || !item.TryGetProperty("error"u8, out var error) || error.ValueKind != JsonValueKind.Number)
            {
                return false;
            }

            objectives[i++] = new QuantileObjective(JsonNumber.Read(quantile).Value, JsonNumber.Read(error).Value);
        }

        result = objectives;
        return true;
    }
}
