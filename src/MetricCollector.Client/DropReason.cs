namespace MetricCollector.Client;

/// <summary>Why a value was dropped before it could be sent; the drop warning names each, with its count.</summary>
internal enum DropReason
{
    /// <summary>A counter increment below zero: the collector would refuse it, counters never decrease.</summary>
    NegativeIncrement,

    /// <summary>
    /// A histogram or summary observation below zero: the collector would refuse the whole record it travels in, and
    /// with it every other observation of that series in the same flush.
    /// </summary>
    NegativeObservation,

    /// <summary>NaN or an infinity: the collector accepts finite numbers only.</summary>
    NotFinite,

    /// <summary>
    /// A counter's increments since the last flush added up beyond the largest finite double: JSON cannot carry the sum,
    /// and the collector would refuse it (value_overflow). One per counter record, however many increments it summed.
    /// </summary>
    Overflow,

    /// <summary>Pushed out of the full observation buffer by a newer observation.</summary>
    BufferFull,

    /// <summary>Recorded on a series after it was removed (<see cref="MetricCollectorClient.Remove(CounterSeries)"/>).</summary>
    Removed,

    /// <summary>Recorded after the client stopped, or still unsent when shutdown gave up.</summary>
    Stopped,
}
