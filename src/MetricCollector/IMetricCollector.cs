using MetricCollector.Exposition;
using MetricCollector.Recording;
using Prometheus;

namespace MetricCollector;

/// <summary>
/// Holds every metric of one gateway, the ones components push and the gateway's own, in a prometheus-net registry and
/// a store of its own (nothing of prometheus-net's static default), and writes them as one Prometheus exposition.
/// </summary>
public interface IMetricCollector
{
    /// <summary>
    /// The prometheus-net registry behind the exposition. Hosts register their own metrics here, under prefixes that
    /// pushed records may not use (<c>gateway_</c>, <c>metric_collector_</c>). Pushed counters, gauges and histograms,
    /// and the gateway's histograms, are not in it (they are kept in a compact store of the collector's own): export
    /// with <see cref="WriteExpositionAsync"/>, which writes the registry and then them. Make metrics here through
    /// <see cref="Factory"/>: one made on the registry otherwise is not checked against the names the gateway's
    /// histograms write, and reusing one puts its family into the exposition twice.
    /// </summary>
    CollectorRegistry Registry { get; }

    /// <summary>
    /// Creates metrics in <see cref="Registry"/>, without exemplars, as prometheus-net's factory does; throws
    /// <see cref="InvalidOperationException"/> for a metric that would write a name one of the gateway's histograms
    /// writes (as <c>gateway_request_duration_seconds_count</c>), since those are written apart from the registry.
    /// Metrics made through <see cref="IMetricFactory.WithManagedLifetime"/> are not checked: they must not reuse such
    /// a name.
    /// </summary>
    IMetricFactory Factory { get; }

    /// <summary>Applies one record, or says why it cannot be applied; never throws for bad input.</summary>
    /// <param name="record">The record to apply.</param>
    /// <param name="cancellationToken">Cancels before the record is applied.</param>
    ValueTask<RecordOutcome> RecordAsync(MetricRecord record, CancellationToken cancellationToken = default);

    /// <summary>
    /// Writes the current state of every metric to <paramref name="destination"/> in <paramref name="format"/>: the
    /// families of <see cref="Registry"/>, then the gateway's histograms, then the pushed counters, gauges and
    /// histograms, then (OpenMetrics) <c># EOF</c>.
    /// </summary>
    /// <param name="destination">Where the UTF-8 exposition text goes.</param>
    /// <param name="format">The exposition format.</param>
    /// <param name="cancellationToken">Cancels the export.</param>
    Task WriteExpositionAsync(Stream destination, MetricsFormat format, CancellationToken cancellationToken = default);
}
