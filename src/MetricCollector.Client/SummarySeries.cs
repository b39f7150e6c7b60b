using MetricCollector.Client.Series;

namespace MetricCollector.Client;

/// <summary>One summary series: each observation goes into the client's bounded buffer and is sent in a batch.</summary>
public sealed class SummarySeries : ObservedSeries
{
    internal SummarySeries(SeriesDefinition definition, ObservationBuffer buffer)
        : base(definition, buffer)
    {
    }
}
