using MetricCollector.Recording;
using Prometheus;

namespace MetricCollector.Collector;

/// <summary>
/// <see cref="PrometheusMetricCollector.Factory"/>: prometheus-net's factory over the collector's registry, except that
/// the collector first refuses a metric that would write a name a host histogram writes, and notes the names of those
/// it makes so that no later host histogram takes one (<see cref="PrometheusMetricCollector.CreateInRegistry"/>). The
/// registry and the host histograms are written apart, so a shared name would put a family into <c>/metrics</c> twice.
/// Metrics made through <see cref="WithManagedLifetime"/>, or on the registry without this factory, are not checked.
/// </summary>
internal sealed class ClaimingMetricFactory(IMetricFactory inner, PrometheusMetricCollector collector) : IMetricFactory
{
    public ExemplarBehavior? ExemplarBehavior
    {
        get => inner.ExemplarBehavior;
        set => inner.ExemplarBehavior = value;
    }

    public Counter CreateCounter(string name, string help, CounterConfiguration? configuration = null) =>
        collector.CreateInRegistry(name, MetricType.Counter, () => inner.CreateCounter(name, help, configuration));

    public Counter CreateCounter(string name, string help, string[] labelNames, CounterConfiguration? configuration = null) =>
        collector.CreateInRegistry(name, MetricType.Counter, () => inner.CreateCounter(name, help, labelNames, configuration));

    public Gauge CreateGauge(string name, string help, GaugeConfiguration? configuration = null) =>
        collector.CreateInRegistry(name, MetricType.Gauge, () => inner.CreateGauge(name, help, configuration));

    public Gauge CreateGauge(string name, string help, string[] labelNames, GaugeConfiguration? configuration = null) =>
        collector.CreateInRegistry(name, MetricType.Gauge, () => inner.CreateGauge(name, help, labelNames, configuration));

    public Histogram CreateHistogram(string name, string help, HistogramConfiguration? configuration = null) =>
        collector.CreateInRegistry(name, MetricType.Histogram, () => inner.CreateHistogram(name, help, configuration));

    public Histogram CreateHistogram(string name, string help, string[] labelNames, HistogramConfiguration? configuration = null) =>
        collector.CreateInRegistry(name, MetricType.Histogram, () => inner.CreateHistogram(name, help, labelNames, configuration));

    public Summary CreateSummary(string name, string help, SummaryConfiguration? configuration = null) =>
        collector.CreateInRegistry(name, MetricType.Summary, () => inner.CreateSummary(name, help, configuration));

    public Summary CreateSummary(string name, string help, string[] labelNames, SummaryConfiguration? configuration = null) =>
        collector.CreateInRegistry(name, MetricType.Summary, () => inner.CreateSummary(name, help, labelNames, configuration));

    // Static labels change no name, so the factory they make is checked as this one is.
    public IMetricFactory WithLabels(IDictionary<string, string> labels) => new ClaimingMetricFactory(inner.WithLabels(labels), collector);

    // Not checked: its factory is another interface of its own, and nothing here makes metrics with a managed lifetime.
    public IManagedLifetimeMetricFactory WithManagedLifetime(TimeSpan expiresAfter) => inner.WithManagedLifetime(expiresAfter);
}
