using MetricCollector.Client.Series;

namespace MetricCollector.Client;

/// <summary>One histogram series: each observation goes into the client's bounded buffer and is sent in a batch.</summary>
public sealed class HistogramSeries : ObservedSeries
{
    internal HistogramSeries(SeriesDefinition definition, ObservationBuffer buffer)
        : base(definition, buffer)
    {
    }
}
