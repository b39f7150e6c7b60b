using System.Buffers;
using System.Text.Json;
using MetricCollector.Client.Series;

namespace MetricCollector.Client.Delivery;

/// <summary>
/// Takes everything recorded since the last call (counter sums, changed gauges, buffered observations) and writes it as
/// batches of at most <c>batchSize</c> records in the collector's wire format. Records of a series whose definition the
/// collector refused are counted as rejected instead: sending them would only be refused again.
/// </summary>
internal sealed class BatchWriter(SeriesRegistry registry, ObservationBuffer buffer, int batchSize, ClientCounters counters)
{
    /// <summary>The most values one histogram or summary record may carry (the schema's <c>values</c> limit).</summary>
    internal const int MaxValuesPerRecord = 1000;

    public List<PendingBatch> Drain()
    {
        var records = new List<(SeriesDefinition Series, double Value, List<double>? Values)>();
        foreach (var counter in registry.Counters)
        {
            double increment = counter.Drain();
            if (increment > 0)
            {
                records.Add((counter.Definition, increment, null));
            }
        }

        foreach (var gauge in registry.Gauges)
        {
            if (gauge.TryDrain(out double value))
            {
                records.Add((gauge.Definition, value, null));
            }
        }

        // Only what is there now: observations keep arriving while this runs, and the next flush takes those.
        var observations = new Dictionary<SeriesDefinition, List<double>>();
        for (int waiting = buffer.Count; waiting > 0 && buffer.TryTake(out var observation); waiting--)
        {
            if (!observations.TryGetValue(observation.Series, out var values) || values.Count == MaxValuesPerRecord)
            {
                values = new List<double>();
                observations[observation.Series] = values;
                records.Add((observation.Series, 0, values));
            }

            values.Add(observation.Value);
        }

        int withheld = records.RemoveAll(record => record.Series.Withheld);
        counters.CountRejected(withheld);

        var batches = new List<PendingBatch>();
        for (int start = 0; start < records.Count; start += batchSize)
        {
            batches.Add(Write(records.GetRange(start, Math.Min(batchSize, records.Count - start))));
        }

        return batches;
    }

    private static PendingBatch Write(List<(SeriesDefinition Series, double Value, List<double>? Values)> records)
    {
        var body = new ArrayBufferWriter<byte>(128 * records.Count);
        var series = new SeriesDefinition[records.Count];
        int values = 0;
        using (var json = new Utf8JsonWriter(body))
        {
            json.WriteStartArray();
            for (int i = 0; i < records.Count; i++)
            {
                var record = records[i];
                series[i] = record.Series;
                values += record.Values?.Count ?? 1;
                WriteRecord(json, record.Series, record.Value, record.Values);
            }

            json.WriteEndArray();
        }

        return new PendingBatch(Guid.CreateVersion7().ToString(), body.WrittenMemory, series, values);
    }

    private static void WriteRecord(Utf8JsonWriter json, SeriesDefinition series, double value, List<double>? values)
    {
        json.WriteStartObject();
        json.WriteString("metric_name", series.Name);
        json.WriteString("metric_type", series.Kind switch
        {
            SeriesKind.Counter => "counter",
            SeriesKind.Gauge => "gauge",
            SeriesKind.Histogram => "histogram",
            _ => "summary",
        });
        if (values is null)
        {
            json.WriteNumber("value", value);
        }
        else
        {
            json.WriteStartArray("values");
            foreach (double observed in values)
            {
                json.WriteNumberValue(observed);
            }

            json.WriteEndArray();
        }

        if (series.Kind == SeriesKind.Gauge)
        {
            json.WriteString("operation", "set");
        }

        if (series.Labels.Count > 0)
        {
            json.WriteStartObject("labels");
            foreach (var (name, label) in series.Labels)
            {
                json.WriteString(name, label);
            }

            json.WriteEndObject();
        }

        if (series.Buckets is { } buckets)
        {
            json.WriteStartArray("buckets");
            foreach (double bound in buckets)
            {
                json.WriteNumberValue(bound);
            }

            json.WriteEndArray();
        }

        if (series.Objectives is { } objectives)
        {
            json.WriteStartArray("objectives");
            foreach (var objective in objectives)
            {
                json.WriteStartObject();
                json.WriteNumber("quantile", objective.Quantile);
                json.WriteNumber("error", objective.Error);
                json.WriteEndObject();
            }

            json.WriteEndArray();
        }

        if (series.Help is { } help)
        {
            json.WriteString("help", help);
        }

        json.WriteEndObject();
    }
}
