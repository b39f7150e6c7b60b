using System.Buffers;
using System.Text.Json;
using MetricCollector.Client.Series;

namespace MetricCollector.Client.Delivery;

/// <summary>
/// Takes everything recorded since the last call (counter sums, changed gauges, buffered observations) and writes it as
/// batches of at most <c>batchSize</c> records and <c>maxBatchBytes</c> bytes (a record larger than that goes alone) in the
/// collector's wire format. Records of a series whose definition the
/// collector refused are counted as rejected instead: sending them would only be refused again.
/// </summary>
internal sealed class BatchWriter(SeriesRegistry registry, ObservationBuffer buffer, int batchSize, int maxBatchBytes, ClientCounters counters)
{
    /// <summary>The most values one histogram or summary record may carry (the schema's <c>values</c> limit).</summary>
    internal const int MaxValuesPerRecord = 1000;

    /// <summary>Takes what was recorded since the last call and writes it as batches.</summary>
    /// <param name="refresh">Also every counter and gauge that did not change: a counter with 0, a gauge with its latest value.</param>
    /// <returns>The batches, in order.</returns>
    public List<PendingBatch> Drain(bool refresh = false)
    {
        // Carried: the values a record holds, for Dropped should it never be delivered; a refresh carries none.
        var records = new List<(SeriesDefinition Series, double Value, List<double>? Values, int Carried)>();
        // Utf8JsonWriter throws on a non-finite number, and a throw while writing would lose everything already drained
        // for this flush without counting it. Gauges and observations are refused when recorded (Set, ObservationBuffer);
        // only a counter's sum can overflow after that.
        bool retired = false;
        foreach (var counter in registry.Counters)
        {
            // Read before the drain: a removed series' last values are taken here, and what is added after sees the
            // removal and counts itself dropped.
            bool removed = counter.Definition.Removed;
            double increment = counter.Drain();
            if (!double.IsFinite(increment))
            {
                // Finite increments only reach the counter: the sum overflowed.
                counters.CountDropped(DropReason.Overflow);
            }
            else if (increment > 0)
            {
                records.Add((counter.Definition, increment, null, 1));
            }
            else if (refresh && !removed && !counter.Definition.Withheld && counter.Definition.TakeRefresh())
            {
                records.Add((counter.Definition, 0, null, 0));
            }

            if (removed)
            {
                // Retired after the last drain, then swept: an increment that landed in between is taken here, one
                // after this by its recorder (which sees Retired), each counted as dropped once.
                counter.Definition.Retire();
                counter.Reclaim();
                retired = true;
            }
        }

        foreach (var gauge in registry.Gauges)
        {
            bool removed = gauge.Definition.Removed;
            if (gauge.TryDrain(out double value))
            {
                records.Add((gauge.Definition, value, null, 1));
            }
            else if (refresh && !removed && !gauge.Definition.Withheld && gauge.TryLatest(out value) && gauge.Definition.TakeRefresh())
            {
                records.Add((gauge.Definition, value, null, 0));
            }

            if (removed)
            {
                gauge.Definition.Retire();
                gauge.Reclaim();
                retired = true;
            }
        }

        if (retired)
        {
            registry.DropRetired();
        }

        // Only what is there now: observations keep arriving while this runs, and the next flush takes those.
        var observations = new Dictionary<SeriesDefinition, List<double>>();
        for (int waiting = buffer.Count; waiting > 0 && buffer.TryTake(out var observation); waiting--)
        {
            if (!observations.TryGetValue(observation.Series, out var values) || values.Count == MaxValuesPerRecord)
            {
                values = new List<double>();
                observations[observation.Series] = values;
                records.Add((observation.Series, 0, values, 0));
            }

            values.Add(observation.Value);
        }

        int withheld = records.RemoveAll(record => record.Series.Withheld);
        counters.CountRejected(withheld);

        // Each record is written on its own first, so that a batch is closed before it would pass either limit: the
        // collector refuses a body over its MaxBodyBytes whole (413), and a busy histogram's record alone is ~20 kB.
        var batches = new List<PendingBatch>();
        var record = new ArrayBufferWriter<byte>(256);
        var body = new ArrayBufferWriter<byte>(4096);
        var series = new List<SeriesDefinition>();
        int carried = 0;
        // One writer for every record, reset each time: a refresh writes every series, and a writer each is garbage.
        using var json = new Utf8JsonWriter(record);
        foreach (var (definition, value, observed, single) in records)
        {
            record.ResetWrittenCount();
            json.Reset(record);
            WriteRecord(json, definition, value, observed);
            json.Flush();

            // '[' or ',' before the record, ']' after it.
            if (series.Count > 0 && (series.Count == batchSize || body.WrittenCount + record.WrittenCount + 2 > maxBatchBytes))
            {
                batches.Add(Close(body, series, carried));
                body = new ArrayBufferWriter<byte>(4096);
                series = [];
                carried = 0;
            }

            body.Write(series.Count == 0 ? "["u8 : ","u8);
            body.Write(record.WrittenSpan);
            series.Add(definition);
            carried += observed?.Count ?? single;
        }

        if (series.Count > 0)
        {
            batches.Add(Close(body, series, carried));
        }

        return batches;
    }

    private static PendingBatch Close(ArrayBufferWriter<byte> body, List<SeriesDefinition> series, int values)
    {
        body.Write("]"u8);
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
