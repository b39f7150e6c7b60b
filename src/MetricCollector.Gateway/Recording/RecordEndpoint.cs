using MetricCollector.Collector;
using MetricCollector.Gateway.Security;
using MetricCollector.Recording;
using Microsoft.Extensions.Options;

namespace MetricCollector.Gateway.Recording;

/// <summary><c>POST /record</c>: one record or a batch, answered with what was applied and what was refused, and why.</summary>
internal static class RecordEndpoint
{
    public static async Task HandleAsync(HttpContext context, RecordIngestion ingestion, IOptions<MetricCollectorOptions> options, ApiKeyAuthenticator auth)
    {
        var request = context.Request;
        int maxBytes = options.Value.MaxBodyBytes;
        IngestResult result;
        var access = auth.Authenticate(context, ApiKeyRole.Record, "record");
        if (access.Failure is { } failure)
        {
            result = ingestion.Refuse(new RecordRejection(failure, "Authorization", access.Detail));
        }
        else if (!IsJson(request.ContentType))
        {
            result = ingestion.Refuse(new RecordRejection(RejectionReason.UnsupportedMediaType, "",
                $"Content-Type must be application/json, not '{request.ContentType}'."));
        }
        else if (request.ContentLength > maxBytes)
        {
            result = ingestion.Refuse(TooLarge(maxBytes));
        }
        else
        {
            using var body = await RequestBody.ReadAsync(request, maxBytes, context.RequestAborted);
            var stamp = access.Key?.ComponentId is { } component ? new StampedLabel(auth.ComponentLabel, component) : (StampedLabel?)null;
            result = body.TooLarge ? ingestion.Refuse(TooLarge(maxBytes)) : ingestion.Ingest(body.Memory, stamp);
        }

        await RecordResponse.WriteAsync(context.Response, result, context.RequestAborted);
    }

    private static RecordRejection TooLarge(int maxBytes) =>
        new(RejectionReason.BodyTooLarge, "", $"the body is larger than {maxBytes} bytes; split it into smaller batches.");

    /// <summary><c>application/json</c> or any <c>+json</c> type, with or without parameters.</summary>
    private static bool IsJson(string? contentType)
    {
        if (string.IsNullOrEmpty(contentType))
        {
            return false;
        }

        var mediaType = contentType.AsSpan();
        int semicolon = mediaType.IndexOf(';');
        if (semicolon >= 0)
        {
            mediaType = mediaType[..semicolon];
        }

        mediaType = mediaType.Trim();
        return mediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase)
            || (mediaType.StartsWith("application/", StringComparison.OrdinalIgnoreCase) && mediaType.EndsWith("+json", StringComparison.OrdinalIgnoreCase));
    }
}
