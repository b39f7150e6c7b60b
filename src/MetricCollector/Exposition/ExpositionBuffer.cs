using System.Buffers;

namespace MetricCollector.Exposition;

/// <summary>
/// A pooled byte buffer that exposition lines are formatted into and that is written to the response in large
/// chunks, so that writing a series costs no allocation and no stream call.
/// </summary>
internal sealed class ExpositionBuffer : IDisposable
{
    private const int DefaultSize = 64 * 1024;

    private byte[] _buffer = ArrayPool<byte>.Shared.Rent(DefaultSize);
    private int _count;

    /// <summary>The free part of the buffer; after writing into it, call <see cref="Advance"/>.</summary>
    public Span<byte> Free => _buffer.AsSpan(_count);

    public bool HasRoom(int bytes) => _buffer.Length - _count >= bytes;

    public void Advance(int bytes) => _count += bytes;

    public void Write(ReadOnlySpan<byte> bytes)
    {
        bytes.CopyTo(Free);
        _count += bytes.Length;
    }

    /// <summary>Makes room for <paramref name="bytes"/>, writing out what the buffer holds only when they do not fit.</summary>
    public ValueTask EnsureRoomAsync(int bytes, Stream destination, CancellationToken cancellationToken) =>
        HasRoom(bytes) ? ValueTask.CompletedTask : MakeRoomAsync(bytes, destination, cancellationToken);

    /// <summary>Writes out what the buffer holds, and grows it when <paramref name="bytes"/> would not fit an empty one.</summary>
    public async ValueTask MakeRoomAsync(int bytes, Stream destination, CancellationToken cancellationToken)
    {
        await FlushAsync(destination, cancellationToken).ConfigureAwait(false);
        if (_buffer.Length < bytes)
        {
            // A line of huge label values (only a snapshot can bring them beyond the configured bounds).
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = ArrayPool<byte>.Shared.Rent(bytes);
        }
    }

    public async ValueTask FlushAsync(Stream destination, CancellationToken cancellationToken)
    {
        if (_count > 0)
        {
            await destination.WriteAsync(_buffer.AsMemory(0, _count), cancellationToken).ConfigureAwait(false);
            _count = 0;
        }
    }

    public void Dispose()
    {
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = [];
        _count = 0;
    }
}
