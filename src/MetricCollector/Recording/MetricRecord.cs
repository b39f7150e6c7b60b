namespace MetricCollector.Recording;

/// <summary>One metric update pushed by a component, as described by <c>schemas/metric_record.schema.json</c>.</summary>
/// <param name="Name">The metric name; for counters with or without the <c>_total</c> suffix.</param>
/// <param name="Type">The metric type.</param>
public sealed record MetricRecord(string Name, MetricType Type)
{
    /// <summary>
    /// Counter: the increment (1 when absent). Gauge: the new value, or the change for <see cref="GaugeOperation.Inc"/>
    /// and <see cref="GaugeOperation.Dec"/>. Histogram and summary: one observation.
    /// </summary>
    public double? Value { get; init; }

    /// <summary>Histogram and summary: several observations, instead of <see cref="Value"/>.</summary>
    public IReadOnlyList<double>? Values { get; init; }

    /// <summary>Gauge only: how <see cref="Value"/> changes the gauge.</summary>
    public GaugeOperation Operation { get; init; }

    /// <summary>Label names and values; empty when the series has no labels.</summary>
    public IReadOnlyDictionary<string, string> Labels { get; init; } = EmptyLabels;

    /// <summary>Histogram only: the bucket upper bounds, or null for the defaults.</summary>
    public IReadOnlyList<double>? Buckets { get; init; }

    /// <summary>Summary only: the quantiles to expose, or null for the defaults.</summary>
    public IReadOnlyList<QuantileObjective>? Objectives { get; init; }

    /// <summary>The <c># HELP</c> text, or null for a default that names the type.</summary>
    public string? Help { get; init; }

    /// <summary>
    /// How long the series may go without updates before it is removed from the exposition; renewed by every record
    /// of the series. Null for the collector's configured default.
    /// </summary>
    public TimeSpan? TimeToLive { get; init; }

    /// <summary>The labels of a record without any, shared.</summary>
    internal static readonly IReadOnlyDictionary<string, string> EmptyLabels = new LabelSet([]);
}
