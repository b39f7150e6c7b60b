using System.Buffers;

namespace MetricCollector.Exposition;

/// <summary>
/// Passes prometheus-net's OpenMetrics output through, escaping each double quote of its <c># HELP</c> lines as
/// <c>\"</c>. prometheus-net writes one HELP text for both formats, as it is given; the collector gives it a help
/// escaped for the text format (<see cref="SampleText.EscapeHelp"/>), where <c>\"</c> is refused, and OpenMetrics
/// requires it. Only HELP lines change, however the writes are cut; the collector puts this stream in the way only
/// while some help in its registry holds a double quote.
/// </summary>
internal sealed class HelpQuoteEscapingStream(Stream inner) : PassThroughWriteStream(inner)
{
    private static readonly byte[] HelpPrefix = "# HELP "u8.ToArray();

    // How many bytes of the current line matched "# HELP " so far; past its length, the line is not a HELP line.
    private int _matched;

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        byte[] escaped = ArrayPool<byte>.Shared.Rent(Math.Max(1, 2 * buffer.Length));
        try
        {
            int length = Escape(buffer.Span, escaped);
            await Inner.WriteAsync(escaped.AsMemory(0, length), cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(escaped);
        }
    }

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        byte[] escaped = ArrayPool<byte>.Shared.Rent(Math.Max(1, 2 * buffer.Length));
        try
        {
            Inner.Write(escaped, 0, Escape(buffer, escaped));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(escaped);
        }
    }

    /// <summary>Copies <paramref name="source"/> into <paramref name="destination"/> (twice its length), a quote in a HELP line as <c>\"</c>.</summary>
    private int Escape(ReadOnlySpan<byte> source, Span<byte> destination)
    {
        int written = 0;
        foreach (byte b in source)
        {
            if (b == (byte)'\n')
            {
                _matched = 0;
            }
            else if (_matched < HelpPrefix.Length)
            {
                // Still reading the line's start: one byte off "# HELP " and it is no HELP line (no quote to escape).
                _matched = b == HelpPrefix[_matched] ? _matched + 1 : int.MaxValue;
            }
            else if (_matched == HelpPrefix.Length && b == (byte)'"')
            {
                destination[written++] = (byte)'\\';
            }

            destination[written++] = b;
        }

        return written;
    }
}
