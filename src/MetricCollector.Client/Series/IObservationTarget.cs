namespace MetricCollector.Client.Series;

/// <summary>A series that takes observations: what a <see cref="LatencyTimer"/> reports to.</summary>
internal interface IObservationTarget
{
    void Observe(double value);
}
