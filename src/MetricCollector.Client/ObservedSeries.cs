using MetricCollector.Client.Series;

namespace MetricCollector.Client;

/// <summary>
/// A series that takes observations (a histogram or a summary): each observation goes into the client's bounded
/// buffer and is sent in a batch.
/// </summary>
public abstract class ObservedSeries
{
    private readonly ObservationBuffer _buffer;

    internal ObservedSeries(SeriesDefinition definition, ObservationBuffer buffer)
    {
        Definition = definition;
        _buffer = buffer;
    }

    internal SeriesDefinition Definition { get; }

    /// <summary>
    /// Records one observation. Never blocks, never throws; when the buffer is full the oldest observation is dropped.
    /// After the series was removed it counts as dropped.
    /// </summary>
    /// <param name="value">The observed value, at least 0; a negative or non-finite one is not sent and counts as dropped.</param>
    public void Observe(double value) => _buffer.Add(Definition, value);

    /// <summary>Starts a timer that observes the elapsed seconds when disposed: <c>using (series.Measure()) { ... }</c>.</summary>
    /// <returns>The running timer.</returns>
    public LatencyTimer Measure() => new(this);
}
