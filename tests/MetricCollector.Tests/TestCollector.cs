using System.Text;
using MetricCollector.Collector;
using MetricCollector.Exposition;
using MetricCollector.Recording;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace MetricCollector.Tests;

/// <summary>Builds collectors for tests and reads their exposition back.</summary>
internal static class TestCollector
{
    public static PrometheusMetricCollector Create(MetricCollectorOptions? options = null, ILogger<PrometheusMetricCollector>? logger = null, TimeProvider? time = null) =>
        new(Options.Create(options ?? new MetricCollectorOptions()), logger ?? NullLogger<PrometheusMetricCollector>.Instance, time ?? TimeProvider.System);

    public static async Task<string> ExposeAsync(this IMetricCollector collector, MetricsFormat format = MetricsFormat.PrometheusText)
    {
        using var stream = new MemoryStream();
        await collector.WriteExpositionAsync(stream, format);
        return Encoding.UTF8.GetString(stream.ToArray());
    }

    /// <summary>Sample lines of the text format as "name{labels}" to value.</summary>
    public static Dictionary<string, double> Samples(string exposition)
    {
        var samples = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (string line in exposition.Split('\n'))
        {
            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }

            int space = line.LastIndexOf(' ');
            samples[line[..space]] = double.Parse(line[(space + 1)..], System.Globalization.CultureInfo.InvariantCulture);
        }

        return samples;
    }

    public static MetricRecord Counter(string name, double? value = null, params (string Name, string Value)[] labels) =>
        new(name, MetricType.Counter) { Value = value, Labels = Labels(labels) };

    public static MetricRecord Gauge(string name, double value, GaugeOperation operation = GaugeOperation.Set, params (string Name, string Value)[] labels) =>
        new(name, MetricType.Gauge) { Value = value, Operation = operation, Labels = Labels(labels) };

    public static Dictionary<string, string> Labels(params (string Name, string Value)[] labels)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, value) in labels)
        {
            result[name] = value;
        }

        return result;
    }
}
