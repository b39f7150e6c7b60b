using MetricCollector.Client.Delivery;
using MetricCollector.Client.Series;

namespace MetricCollector.Client.Tests;

/// <summary>The client's recording side and its batch writer wired as the client wires them, without a sender.</summary>
internal sealed record ClientParts(ClientCounters Counters, SeriesRegistry Registry, BatchWriter Writer)
{
    public static ClientParts Create(int bufferCapacity)
    {
        var counters = new ClientCounters();
        var buffer = new ObservationBuffer(bufferCapacity, counters);
        var registry = new SeriesRegistry(counters, buffer);
        return new ClientParts(counters, registry, new BatchWriter(registry, buffer, 1000, 1024 * 1024, counters));
    }
}
