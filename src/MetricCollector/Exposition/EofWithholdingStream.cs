namespace MetricCollector.Exposition;

/// <summary>
/// Passes prometheus-net's OpenMetrics output through to the response but withholds its last six bytes, the closing
/// <c># EOF</c> line, so that the pushed families the collector writes itself can follow before the one <c># EOF</c> that ends the
/// exposition. Only those six bytes are ever held back: the rest streams through as prometheus-net writes it, however
/// many series there are.
/// </summary>
internal sealed class EofWithholdingStream(Stream inner) : PassThroughWriteStream(inner)
{
    private readonly byte[] _tail = new byte[Eof.Length];
    private int _tailCount;

    /// <summary>The line that ends an OpenMetrics exposition.</summary>
    public static ReadOnlySpan<byte> Eof => "# EOF\n"u8;

    /// <summary>
    /// Ends the pass-through: drops the withheld bytes when they are <c># EOF</c>, and otherwise (prometheus-net wrote
    /// no such line) writes them on, so nothing but that line is ever lost.
    /// </summary>
    public async ValueTask CompleteAsync(CancellationToken cancellationToken)
    {
        if (_tailCount > 0 && !_tail.AsSpan(0, _tailCount).SequenceEqual(Eof))
        {
            await Inner.WriteAsync(_tail.AsMemory(0, _tailCount), cancellationToken).ConfigureAwait(false);
        }

        _tailCount = 0;
    }

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        int pass = Take(buffer.Span, out int fromTail);
        if (fromTail > 0)
        {
            await Inner.WriteAsync(_tail.AsMemory(0, fromTail), cancellationToken).ConfigureAwait(false);
            Shift(fromTail);
        }

        if (pass > 0)
        {
            await Inner.WriteAsync(buffer[..pass], cancellationToken).ConfigureAwait(false);
        }

        Keep(buffer.Span[pass..]);
    }

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        int pass = Take(buffer, out int fromTail);
        if (fromTail > 0)
        {
            Inner.Write(_tail, 0, fromTail);
            Shift(fromTail);
        }

        if (pass > 0)
        {
            Inner.Write(buffer[..pass]);
        }

        Keep(buffer[pass..]);
    }

    /// <summary>
    /// Splits the held tail plus <paramref name="incoming"/> so that the last six bytes stay held: how many of the
    /// incoming bytes pass now (<c>return</c>) and how many held bytes go before them (<paramref name="fromTail"/>).
    /// </summary>
    private int Take(ReadOnlySpan<byte> incoming, out int fromTail)
    {
        int total = _tailCount + incoming.Length;
        int release = Math.Max(0, total - Eof.Length);
        fromTail = Math.Min(release, _tailCount);
        return release - fromTail;
    }

    private void Shift(int released)
    {
        _tail.AsSpan(released, _tailCount - released).CopyTo(_tail);
        _tailCount -= released;
    }

    private void Keep(ReadOnlySpan<byte> rest)
    {
        rest.CopyTo(_tail.AsSpan(_tailCount));
        _tailCount += rest.Length;
    }
}
