using MetricCollector.Collector;
using Microsoft.Extensions.Options;

namespace MetricCollector.Recording;

/// <summary>
/// The path of a <c>POST /record</c> body, independent of HTTP: read and validate it, apply each record in order,
/// and count every refusal, whether of the body or of one record.
/// </summary>
internal sealed class RecordIngestion(PrometheusMetricCollector collector, IOptions<MetricCollectorOptions> options)
{
    private readonly int _maxBatchSize = options.Value.MaxBatchSize;

    // The stamped label counts towards the limit like any other.
    private readonly int _maxLabels = Math.Min(RecordLimits.MaxLabels, options.Value.MaxLabelsPerRecord);

    /// <summary>Reads and applies a body.</summary>
    /// <param name="body">The request body.</param>
    /// <param name="stamp">
    /// A label every record gets (the component a credential is bound to): added when absent; a record that carries
    /// the label with another value is refused (403) rather than silently rewritten, so the sender learns of it.
    /// </param>
    public IngestResult Ingest(ReadOnlyMemory<byte> body, StampedLabel? stamp = null)
    {
        var batch = MetricRecordReader.Read(body, _maxBatchSize, out var bodyRejection);
        if (bodyRejection is not null)
        {
            return Refuse(bodyRejection);
        }

        int accepted = 0;
        List<IndexedRejection>? rejected = null;
        long now = collector.Now;
        try
        {
            for (int i = 0; i < batch.Items.Count; i++)
            {
                var item = batch.Items[i];
                var record = item.Record;
                var rejection = item.Rejection;
                if (rejection is null && stamp is { } label)
                {
                    record = Stamp(record!, label, out rejection);
                }

                if (rejection is null)
                {
                    rejection = collector.RecordUncounted(record!, now);
                }
                else
                {
                    collector.Reject(rejection);
                }

                if (rejection is null)
                {
                    accepted++;
                }
                else
                {
                    (rejected ??= []).Add(new IndexedRejection(i, rejection));
                }
            }
        }
        finally
        {
            // Counted once per batch rather than per record; also when something threw after records were applied.
            if (accepted > 0)
            {
                collector.CountAccepted(accepted);
            }
        }

        if (rejected is not null)
        {
            return new IngestResult(batch.IsBatch, accepted, rejected, null);
        }

        return !batch.IsBatch && accepted == 1 ? IngestResult.OneAccepted : new IngestResult(batch.IsBatch, accepted, [], null);
    }

    /// <summary>The record with the stamped label, or null (and the rejection) when it claims another value.</summary>
    private MetricRecord? Stamp(MetricRecord record, StampedLabel label, out RecordRejection? rejection)
    {
        rejection = null;
        if (record.Labels.TryGetValue(label.Name, out string? sent))
        {
            if (string.Equals(sent, label.Value, StringComparison.Ordinal))
            {
                return record;
            }

            rejection = new RecordRejection(RejectionReason.Forbidden, "/labels/" + JsonPointer.Escape(label.Name),
                $"this credential writes as {label.Name} '{label.Value}'; the record claims '{Echo.Of(sent)}'. Omit the label: the collector adds it.");
            return null;
        }

        if (record.Labels.Count >= _maxLabels)
        {
            rejection = new RecordRejection(RejectionReason.TooManyLabels, "/labels",
                $"the record carries {record.Labels.Count} labels and this credential stamps one more, {label.Name}; at most {_maxLabels} are allowed, so send at most {_maxLabels - 1}.");
            return null;
        }

        return record with { Labels = LabelSet.Of(record.Labels).With(label.Name, label.Value) };
    }

    /// <summary>Counts and logs a body refused before it was read (wrong content type, too large).</summary>
    public IngestResult Refuse(RecordRejection rejection)
    {
        collector.Reject(rejection);
        return IngestResult.ForBody(rejection);
    }
}
