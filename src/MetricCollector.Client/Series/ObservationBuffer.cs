using System.Threading.Channels;

namespace MetricCollector.Client.Series;

/// <summary>
/// The bounded buffer of histogram and summary observations between the callers and the sender. When it is full the
/// oldest observation makes room and is counted as dropped: recent data is worth more, and a caller never waits.
/// </summary>
internal sealed class ObservationBuffer
{
    private readonly Channel<Observation> _channel;
    private readonly ClientCounters _counters;

    public ObservationBuffer(int capacity, ClientCounters counters)
    {
        _counters = counters;
        _channel = Channel.CreateBounded<Observation>(
            new BoundedChannelOptions(capacity)
            {
                FullMode = BoundedChannelFullMode.DropOldest,
                SingleReader = true,
                AllowSynchronousContinuations = false,
            },
            _ => counters.CountDropped(DropReason.BufferFull));
    }

    /// <summary>Observations waiting to be sent.</summary>
    public int Count => _channel.Reader.Count;

    public void Add(SeriesDefinition series, double value)
    {
        if (!double.IsFinite(value))
        {
            _counters.CountDropped(DropReason.NotFinite);
        }
        else if (series.Removed)
        {
            _counters.CountDropped(DropReason.Removed);
        }
        else if (value < 0)
        {
            // Refused here, on its own: in the batch the collector would refuse the series' whole record with it.
            _counters.CountDropped(DropReason.NegativeObservation);
        }
        else if (!_channel.Writer.TryWrite(new Observation(series, value)))
        {
            // After shutdown the writer is complete: nothing would send the value any more. (A full buffer never
            // refuses a write: it drops its oldest observation instead, counted by the channel's callback.)
            _counters.CountRecordedAfterStop();
        }
    }

    public bool TryTake(out Observation observation) => _channel.Reader.TryRead(out observation);

    /// <summary>Refuses further observations; those already buffered can still be taken.</summary>
    public void Close() => _channel.Writer.TryComplete();
}
