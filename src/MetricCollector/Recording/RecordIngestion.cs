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

    public IngestResult Ingest(ReadOnlyMemory<byte> body)
    {
        var batch = MetricRecordReader.Read(body, _maxBatchSize, out var bodyRejection);
        if (bodyRejection is not null)
        {
            return Refuse(bodyRejection);
        }

        int accepted = 0;
        List<IndexedRejection>? rejected = null;
        for (int i = 0; i < batch.Items.Count; i++)
        {
            var item = batch.Items[i];
            var rejection = item.Rejection;
            if (rejection is null)
            {
                rejection = collector.Record(item.Record!).Rejection;
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

        return new IngestResult(batch.IsBatch, accepted, rejected is null ? [] : rejected, null);
    }

    /// <summary>Counts and logs a body refused before it was read (wrong content type, too large).</summary>
    public IngestResult Refuse(RecordRejection rejection)
    {
        collector.Reject(rejection);
        return IngestResult.ForBody(rejection);
    }
}
