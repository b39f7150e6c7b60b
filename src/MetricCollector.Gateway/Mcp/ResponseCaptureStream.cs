using System.Buffers;
using System.IO.Compression;

namespace MetricCollector.Gateway.Mcp;

/// <summary>
/// Passes a response body through unchanged, and keeps a copy of its first bytes when it is JSON, so that JSON-RPC
/// errors can be counted after the response; event streams and large bodies are passed on, not kept. A body the
/// upstream compressed (the client's Accept-Encoding is forwarded) is read decompressed.
/// </summary>
internal sealed class ResponseCaptureStream(Stream inner, HttpResponse response, int limit) : Stream
{
    private byte[]? _buffer;
    private int _length;
    private bool? _capturing;
    private string? _encoding;
    private byte[]? _decoded;

    /// <summary>
    /// The captured body as JSON text: decompressed when the upstream sent it gzip, deflate or br encoded (at most the
    /// limit once decompressed); empty when the body was not JSON, was larger than the limit, or cannot be decoded.
    /// </summary>
    public ReadOnlySpan<byte> CapturedJson()
    {
        if (_capturing != true || _buffer is null)
        {
            return default;
        }

        if (_encoding is null)
        {
            return _buffer.AsSpan(0, _length);
        }

        var compressed = new MemoryStream(_buffer, 0, _length, writable: false);
        using Stream? decoder = _encoding switch
        {
            "gzip" or "x-gzip" => new GZipStream(compressed, CompressionMode.Decompress),
            // HTTP's deflate is the zlib format (RFC 9110).
            "deflate" => new ZLibStream(compressed, CompressionMode.Decompress),
            "br" => new BrotliStream(compressed, CompressionMode.Decompress),
            // A coding this cannot read: the body is passed on unread.
            _ => null,
        };
        if (decoder is null)
        {
            return default;
        }

        _decoded ??= ArrayPool<byte>.Shared.Rent(limit + 1);
        int length = 0;
        try
        {
            int read;
            // One byte past the limit tells a body over it.
            while (length <= limit && (read = decoder.Read(_decoded, length, limit + 1 - length)) > 0)
            {
                length += read;
            }
        }
        catch (Exception e) when (e is InvalidDataException or InvalidOperationException)
        {
            // Not what its Content-Encoding says: gzip and deflate throw InvalidDataException, Brotli
            // InvalidOperationException ("Decoder ran into invalid data"). Passed on unread, as the docs promise.
            return default;
        }

        // Over the limit decompressed: passed on unread, as an uncompressed body that large is.
        return length > limit ? default : _decoded.AsSpan(0, length);
    }

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

        if (_decoded is not null)
        {
            ArrayPool<byte>.Shared.Return(_decoded);
            _decoded = null;
        }

        base.Dispose(disposing);
    }

    private void Capture(ReadOnlySpan<byte> data)
    {
        if (_capturing is null)
        {
            _capturing = IsJson(response.ContentType) && IsOneCoding(response.Headers.ContentEncoding, out _encoding);
        }

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

    /// <summary>
    /// Whether the body is in at most one coding, <paramref name="encoding"/> (lower-cased), null for none or identity;
    /// <see cref="CapturedJson"/> says whether it can decode it.
    /// </summary>
    private static bool IsOneCoding(Microsoft.Extensions.Primitives.StringValues codings, out string? encoding)
    {
        encoding = codings.Count == 1 ? codings[0]!.Trim().ToLowerInvariant() : null;
        if (encoding == "identity")
        {
            encoding = null;
        }

        return codings.Count <= 1;
    }

    private static bool IsJson(string? contentType) =>
        contentType is not null && contentType.StartsWith("application/json", StringComparison.OrdinalIgnoreCase);
}
