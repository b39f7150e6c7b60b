using MetricCollector.Exposition;
using MetricCollector.Recording;
using Prometheus;

namespace MetricCollector;

/// <summary>
/// Holds every metric of one gateway: the ones components push and the gateway's own, in one isolated registry,
/// and writes them as one Prometheus exposition.
/// </summary>
public interface IMetricCollector
{
    /// <summary>
    /// The prometheus-net registry behind the exposition. Hosts register their own metrics here, under prefixes that
    /// pushed records may not use (<c>gateway_</c>, <c>metric_collector_</c>). Pushed counters, gauges and histograms,
    /// and the gateway's histograms, are not in it (they are kept in a compact store of the collector's own): export
    /// with <see cref="WriteExpositionAsync"/>, which writes the registry and then them.
    /// </summary>
    CollectorRegistry Registry { get; }

    /// <summary>Creates metrics in <see cref="Registry"/>, without exemplars.</summary>
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
