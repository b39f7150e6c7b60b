using System.Buffers;
using Microsoft.AspNetCore.Http.Features;

namespace MetricCollector.Gateway.Recording;

/// <summary>Reads a request body into a pooled buffer, stopping as soon as it passes the limit.</summary>
internal sealed class RequestBody : IDisposable
{
    private byte[] _buffer;

    private RequestBody(byte[] buffer, int length, bool tooLarge)
    {
        _buffer = buffer;
        Length = length;
        TooLarge = tooLarge;
    }

    public int Length { get; }

    /// <summary>True when the body is longer than the limit; <see cref="Memory"/> then holds only its start.</summary>
    public bool TooLarge { get; }

    public ReadOnlyMemory<byte> Memory => _buffer.AsMemory(0, Length);

    public static async ValueTask<RequestBody> ReadAsync(HttpRequest request, int maxBytes, CancellationToken cancellationToken)
    {
        // Kestrel's own limit counts bytes it has buffered, not what we read, and answers with an exception; reading
        // stops here one byte past our limit instead, and Kestrel drains or closes the rest after the 413.
        var sizeFeature = request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>();
        if (sizeFeature is { IsReadOnly: false })
        {
            sizeFeature.MaxRequestBodySize = null;
        }

        int initial = (int)Math.Min(request.ContentLength ?? 4096, maxBytes + 1L);
        byte[] buffer = ArrayPool<byte>.Shared.Rent(Math.Max(initial, 256));
        int length = 0;
        try
        {
            while (true)
            {
                if (length == buffer.Length)
                {
                    if (length > maxBytes)
                    {
                        break;
                    }

                    byte[] larger = ArrayPool<byte>.Shared.Rent(Math.Min(buffer.Length * 2, maxBytes + 1));
                    buffer.AsSpan(0, length).CopyTo(larger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = larger;
                }

                int read = await request.Body.ReadAsync(buffer.AsMemory(length, Math.Min(buffer.Length, maxBytes + 1) - length), cancellationToken);
                if (read == 0)
                {
                    break;
                }

                length += read;
                // A body of declared length is complete once that much arrived; the read that would return 0 is saved.
                if (length > maxBytes || length == request.ContentLength)
                {
                    break;
                }
            }
        }
        catch
        {
            // A client that reset or garbled the body: the buffer goes back to the pool all the same.
            ArrayPool<byte>.Shared.Return(buffer);
            throw;
        }

        return new RequestBody(buffer, length, length > maxBytes);
    }

    public void Dispose()
    {
        if (_buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = [];
        }
    }
}
