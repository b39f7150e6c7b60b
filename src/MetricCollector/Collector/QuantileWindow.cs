namespace MetricCollector.Collector;

/// <summary>
/// The quantiles of a summary series over a sliding window of <c>SummaryMaxAge</c>, as the Prometheus clients keep it:
/// five streams, each started a fifth of the window after the one before, every observation merged into each, and
/// the oldest one read. When the oldest has covered the whole window it starts over and the next becomes the one read,
/// so a quantile covers between four fifths of the window and all of it. Observations wait in one buffer of up to 500
/// (grown as they come, so a quiet series holds a few bytes), sorted and merged into the five streams when it is
/// full, when a stream starts over and when the quantiles are read. Not thread-safe: <see cref="SummarySeries"/> calls
/// it under its lock.
/// </summary>
internal sealed class QuantileWindow
{
    /// <summary>How many streams the window is cut into (the Prometheus clients' default age buckets).</summary>
    public const int Streams = 5;

    // As the Go client: a merge costs a sort of the buffer and one pass over each stream's samples.
    private const int BufferCapacity = 500;

    private readonly QuantileStream[] _streams = new QuantileStream[Streams];
    private readonly long _streamTicks;
    private double[] _buffer = [];
    private int _buffered;
    private int _head;

    // When the stream read now has covered the whole window, in timestamp ticks.
    private long _headExpiry;

    /// <param name="targets">The metric's objectives.</param>
    /// <param name="streamTicks">A fifth of the window, in timestamp ticks (at least 1).</param>
    /// <param name="now">The current timestamp: the window starts here.</param>
    public QuantileWindow(QuantileTargets targets, long streamTicks, long now)
    {
        for (int i = 0; i < Streams; i++)
        {
            _streams[i] = new QuantileStream(targets);
        }

        _streamTicks = streamTicks;
        _headExpiry = now + streamTicks;
    }

    /// <summary>Adds an observation at the moment of the last <see cref="Advance"/>.</summary>
    public void Insert(double value)
    {
        if (_buffered == _buffer.Length)
        {
            if (_buffered == BufferCapacity)
            {
                Flush();
            }
            else
            {
                Array.Resize(ref _buffer, Math.Min(BufferCapacity, Math.Max(4, _buffer.Length * 2)));
            }
        }

        // + 0.0 makes -0 0: the same observation, which a quantile would otherwise show as "-0".
        _buffer[_buffered++] = value + 0.0;
    }

    /// <summary>Moves the window to <paramref name="now"/>; call before <see cref="Insert"/> and <see cref="Query"/>.</summary>
    public void Advance(long now)
    {
        if (now < _headExpiry)
        {
            return;
        }

        // What came before belongs to every stream, the one starting over included until it does.
        Flush();
        long passed = ((now - _headExpiry) / _streamTicks) + 1;
        if (passed >= Streams)
        {
            // Idle for a whole window or more: nothing in it is recent enough to keep.
            for (int i = 0; i < _streams.Length; i++)
            {
                _streams[i].Reset();
            }

            _head = (int)((_head + (passed % Streams)) % Streams);
            _headExpiry += passed * _streamTicks;
            return;
        }

        for (long i = 0; i < passed; i++)
        {
            _streams[_head].Reset();
            _head = (_head + 1) % Streams;
            _headExpiry += _streamTicks;
        }
    }

    /// <summary>The observation at <paramref name="quantile"/> in the window; NaN when the window holds none.</summary>
    public double Query(double quantile)
    {
        Flush();
        return _streams[_head].Query(quantile);
    }

    private void Flush()
    {
        if (_buffered == 0)
        {
            return;
        }

        Array.Sort(_buffer, 0, _buffered);
        var sorted = new ReadOnlySpan<double>(_buffer, 0, _buffered);
        for (int i = 0; i < _streams.Length; i++)
        {
            _streams[i].Merge(sorted);
        }

        _buffered = 0;
    }
}
