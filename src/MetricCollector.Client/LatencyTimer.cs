using System.Diagnostics;

namespace MetricCollector.Client;

/// <summary>
/// Observes the seconds between its creation and <see cref="Dispose"/> in a histogram or summary. A struct, so timing
/// a block allocates nothing: <c>using (step.Measure()) { ... }</c>, with <c>step</c> a histogram resolved once.
/// </summary>
public readonly struct LatencyTimer : IDisposable, IEquatable<LatencyTimer>
{
    private readonly ObservedSeries? _target;
    private readonly long _started;

    internal LatencyTimer(ObservedSeries target)
    {
        _target = target;
        _started = Stopwatch.GetTimestamp();
    }

    /// <summary>The time since the timer started.</summary>
    public TimeSpan Elapsed => _target is null ? TimeSpan.Zero : Stopwatch.GetElapsedTime(_started);

    /// <summary>Observes the elapsed seconds. A default instance observes nothing.</summary>
    public void Dispose() => _target?.Observe(Elapsed.TotalSeconds);

    /// <inheritdoc/>
    public bool Equals(LatencyTimer other) => ReferenceEquals(_target, other._target) && _started == other._started;

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is LatencyTimer other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(_target, _started);

    /// <summary>Whether two timers are the same start of the same series.</summary>
    public static bool operator ==(LatencyTimer left, LatencyTimer right) => left.Equals(right);

    /// <summary>Whether two timers differ.</summary>
    public static bool operator !=(LatencyTimer left, LatencyTimer right) => !left.Equals(right);
}
