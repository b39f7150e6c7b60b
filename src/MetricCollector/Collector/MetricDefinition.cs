using MetricCollector.Recording;

namespace MetricCollector.Collector;

/// <summary>What a metric name was first recorded with; later records must agree with it.</summary>
/// <param name="Name">The name as exposed (counters carry the <c>_total</c> suffix).</param>
/// <param name="Type">The metric type.</param>
/// <param name="LabelNames">The label names, sorted ordinally.</param>
/// <param name="Buckets">Histogram bucket upper bounds; null for other types.</param>
/// <param name="Objectives">Summary quantiles; null for other types.</param>
/// <param name="Help">The <c># HELP</c> text.</param>
public sealed record MetricDefinition(
    string Name,
    MetricType Type,
    IReadOnlyList<string> LabelNames,
    IReadOnlyList<double>? Buckets,
    IReadOnlyList<QuantileObjective>? Objectives,
    string Help);
