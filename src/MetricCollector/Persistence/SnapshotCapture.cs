using System.Globalization;
using System.Text;
using MetricCollector.Collector;
using MetricCollector.Recording;
using Prometheus;

namespace MetricCollector.Persistence;

/// <summary>
/// Takes the state of every pushed series. Counter and gauge values are read from their series; prometheus-net does
/// not expose a histogram's bucket counts, so those are read back from the text exposition of the collector's registry.
/// </summary>
internal static class SnapshotCapture
{
    public static async Task<SnapshotDocument> CaptureAsync(PrometheusMetricCollector collector, DateTimeOffset now, CancellationToken cancellationToken)
    {
        Dictionary<string, double>? histogramSamples = null;
        var metrics = new List<SnapshotMetric>(collector.PushedMetrics.Count);
        double frequency = collector.TimestampFrequency;
        foreach (var metric in collector.PushedMetrics)
        {
            var definition = metric.Definition;
            if (definition.Type == MetricType.Histogram && histogramSamples is null)
            {
                histogramSamples = await ReadSamplesAsync(collector, cancellationToken).ConfigureAwait(false);
            }

            var series = new List<SnapshotSeries>(metric.SeriesCount);
            metric.ForEachSeries((labels, state) =>
            {
                long ttl = state.TimeToLive;
                double? ttlSeconds = ttl > 0 ? ttl / frequency : null;
                var entry = definition.Type switch
                {
                    MetricType.Counter or MetricType.Gauge => new SnapshotSeries([.. labels], ((ValueSeries)state).Value, null, null, ttlSeconds),
                    MetricType.Histogram => HistogramSeries(definition, labels, histogramSamples!, ttlSeconds),
                    // A summary's quantiles cover a sliding window held only in memory; they restart after a restart.
                    _ => null,
                };
                if (entry is not null)
                {
                    series.Add(entry);
                }
            });
            metrics.Add(new SnapshotMetric(definition, series));
        }

        return new SnapshotDocument(SnapshotDocument.CurrentVersion, now, metrics);
    }

    private static SnapshotSeries? HistogramSeries(MetricDefinition definition, string[] labels, Dictionary<string, double> samples, double? ttlSeconds)
    {
        var buckets = definition.Buckets!;
        string labelText = LabelText(definition.LabelNames, labels);
        var counts = new long[buckets.Count + 1];
        long previous = 0;
        for (int i = 0; i <= buckets.Count; i++)
        {
            string le = i < buckets.Count ? buckets[i].ToString(CultureInfo.InvariantCulture) : "+Inf";
            string key = definition.Name + "_bucket{" + labelText + (labelText.Length == 0 ? "" : ",") + "le=\"" + le + "\"}";
            if (!samples.TryGetValue(key, out double cumulative) && !samples.TryGetValue(LenientBucketKey(key), out cumulative))
            {
                // Created or removed between the listing and the export: it is in the next snapshot.
                return null;
            }

            counts[i] = (long)cumulative - previous;
            previous = (long)cumulative;
        }

        string suffix = labelText.Length == 0 ? "" : "{" + labelText + "}";
        return samples.TryGetValue(definition.Name + "_sum" + suffix, out double sum)
            ? new SnapshotSeries([.. labels], null, counts, sum, ttlSeconds)
            : null;
    }

    // prometheus-net writes whole-number bounds such as 1 as "1.0"; try that spelling too.
    private static string LenientBucketKey(string key)
    {
        int le = key.LastIndexOf("le=\"", StringComparison.Ordinal) + 4;
        string bound = key[le..^2];
        return bound.Contains('.', StringComparison.Ordinal) || bound == "+Inf" ? key : key[..le] + bound + ".0\"}";
    }

    private static string LabelText(IReadOnlyList<string> names, string[] values)
    {
        var text = new StringBuilder();
        for (int i = 0; i < names.Count; i++)
        {
            if (i > 0)
            {
                text.Append(',');
            }

            text.Append(names[i]).Append("=\"");
            foreach (char c in values[i])
            {
                _ = c switch
                {
                    '\\' => text.Append("\\\\"),
                    '"' => text.Append("\\\""),
                    '\n' => text.Append("\\n"),
                    _ => text.Append(c),
                };
            }

            text.Append('"');
        }

        return text.ToString();
    }

    private static async Task<Dictionary<string, double>> ReadSamplesAsync(PrometheusMetricCollector collector, CancellationToken cancellationToken)
    {
        using var stream = new MemoryStream();
        await collector.Registry.CollectAndExportAsTextAsync(stream, ExpositionFormat.PrometheusText, cancellationToken).ConfigureAwait(false);
        var samples = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (string line in Encoding.UTF8.GetString(stream.GetBuffer(), 0, (int)stream.Length).Split('\n'))
        {
            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }

            int space = line.LastIndexOf(' ');
            if (space > 0 && double.TryParse(line.AsSpan(space + 1), NumberStyles.Float, CultureInfo.InvariantCulture, out double value))
            {
                samples[line[..space]] = value;
            }
        }

        return samples;
    }
}
