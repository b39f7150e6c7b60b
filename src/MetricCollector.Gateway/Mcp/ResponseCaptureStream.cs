using System.Buffers;

namespace MetricCollector.Gateway.Mcp;

/// <summary>
/// Passes a response body through unchanged, and keeps a copy of its first bytes when it is JSON, so that JSON-RPC
/// errors can be counted after the response; event streams and large bodies are passed on, not kept.
/// </summary>
internal sealed class ResponseCaptureStream(Stream inner, HttpResponse response, int limit) : Stream
{
    private byte[]? _buffer;
    private int _length;
    private bool? _capturing;

    /// <summary>The captured body, or empty when the body was not JSON or was larger than the limit.</summary>
    public ReadOnlySpan<byte> Captured => _capturing == true && _buffer is not null ? _buffer.AsSpan(0, _length) : default;

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        Capture(buffer);
        inner.Write(buffer);
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        Capture(buffer.Span);
        return inner.WriteAsync(buffer, cancellationToken);
    }

    public override void Flush() => inner.Flush();

    public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (_buffer is not null)
        {
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = null;
        }

        base.Dispose(disposing);
    }

    private void Capture(ReadOnlySpan<byte> data)
    {
        _capturing ??= IsJson(response.ContentType);
        if (_capturing != true)
        {
            return;
        }

        if (_length + data.Length > limit)
        {
            _capturing = false;
            return;
        }

        _buffer ??= ArrayPool<byte>.Shared.Rent(Math.Min(limit, Math.Max(data.Length, 4096)));
        if (_buffer.Length < _length + data.Length)
        {
            byte[] larger = ArrayPool<byte>.Shared.Rent(Math.Min(limit, Math.Max(_buffer.Length * 2, _length + data.Length)));
            _buffer.AsSpan(0, _length).CopyTo(larger);
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = larger;
        }

        data.CopyTo(_buffer.AsSpan(_length));
        _length += data.Length;
    }

    private static bool IsJson(string? contentType) =>
        contentType is not null && contentType.StartsWith("application/json", StringComparison.OrdinalIgnoreCase);
}
