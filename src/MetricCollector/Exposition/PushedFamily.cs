namespace MetricCollector.Exposition;

/// <summary>
/// A pushed metric the collector writes itself (<see cref="PushedExpositionWriter"/>): its HELP and TYPE lines, then
/// its series in the order they were created.
/// </summary>
internal abstract class PushedFamily
{
    /// <summary>The HELP and TYPE lines.</summary>
    public abstract ReadOnlySpan<byte> Header(bool openMetrics);

    /// <summary>
    /// Writes the lines of every visible series into <paramref name="buffer"/>, writing the buffer out to
    /// <paramref name="destination"/> whenever the next series may not fit.
    /// </summary>
    public abstract ValueTask WriteSeriesAsync(ExpositionBuffer buffer, Stream destination, bool openMetrics, CancellationToken cancellationToken);
}
