namespace MetricCollector.Recording;

/// <summary>A label the collector writes on every record of a request, such as the component its credential is bound to.</summary>
/// <param name="Name">The label name.</param>
/// <param name="Value">The label value.</param>
internal readonly record struct StampedLabel(string Name, string Value);
