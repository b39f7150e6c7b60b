using MetricCollector.Collector;
using MetricCollector.Gateway.Proxy;
using MetricCollector.Gateway.Security;
using MetricCollector.Recording;
using Microsoft.Extensions.Options;

namespace MetricCollector.Gateway.Recording;

/// <summary><c>POST /record</c>: one record or a batch, answered with what was applied and what was refused, and why.</summary>
/// <remarks>
/// One instance serves every request: its collaborators are resolved once, not bound from the request's services on
/// each call as a minimal-API handler's parameters would be.
/// </remarks>
internal sealed class RecordEndpoint(RecordIngestion ingestion, IdempotencyCache idempotency, IOptions<MetricCollectorOptions> options, ApiKeyAuthenticator auth)
{
    /// <summary>The request header that makes a body count once however often it is sent.</summary>
    public const string IdempotencyKeyHeader = "Idempotency-Key";

    /// <summary>Set to <c>true</c> on an answer repeated from the first body with the same key.</summary>
    public const string ReplayedHeader = "Idempotent-Replayed";

    public async Task HandleAsync(HttpContext context)
    {
        var keys = context.Request.Headers[IdempotencyKeyHeader];
        IngestResult result;
        var access = auth.Authenticate(context, ApiKeyRole.Record, "record");
        var stamp = access.Key?.ComponentId is { } component ? new StampedLabel(auth.ComponentLabel, component) : (StampedLabel?)null;
        if (access.Failure is { } failure)
        {
            result = ingestion.Refuse(new RecordRejection(failure, "Authorization", access.Detail));
        }
        else if (keys.Count > 1 || (keys.Count == 1 && !IdempotencyCache.IsValidKey(keys[0]!)))
        {
            result = ingestion.Refuse(new RecordRejection(RejectionReason.InvalidIdempotencyKey, "Idempotency-Key",
                $"the Idempotency-Key header must be given once, as 1 to {IdempotencyCache.MaxKeyLength} visible ASCII characters."));
        }
        else
        {
            try
            {
                // Keys are per credential: one component cannot replay, or spoil, another's answers by guessing its keys.
                result = keys.Count == 0
                    ? await IngestAsync(context, stamp, ticket: null)
                    : await IngestOnceAsync(context, access.Key is null ? keys[0]! : access.Key.IdempotencyScope + keys[0], stamp);
            }
            catch (BadHttpRequestException e) when (!GatewayInstrumentationMiddleware.IsEndOfInput(e))
            {
                // Thrown by Kestrel while the body was read (a keyed body's key is forgotten by then). Unhandled, it was
                // an error with a stack trace in the log for every such request, which any client could send.
                // Kestrel's 408 (data arriving too slowly) stays a 408, which senders retry; the rest (a malformed
                // chunk) are the body's own fault.
                result = ingestion.Refuse(e.StatusCode == StatusCodes.Status408RequestTimeout
                    ? new RecordRejection(RejectionReason.BodyTimeout, "", $"the body arrived too slowly and was given up: {e.Message} Send it again.")
                    : new RecordRejection(RejectionReason.UnreadableBody, "", $"the body could not be read: {e.Message}"));
            }
            catch (Exception e) when (e is IOException || (e is OperationCanceledException && context.RequestAborted.IsCancellationRequested))
            {
                // The client closed or reset the connection mid-body (Kestrel's end of input, a ConnectionResetException),
                // or it went while the body was awaited: an unhandled error with a stack trace per request, uncounted (a
                // review). There is no one to answer; it is counted, and a key sent with it was forgotten, so that a
                // retry is applied. Over HTTP/2 Kestrel gives up a body too slow by faulting the whole connection, which
                // reads the same ("The HTTP/2 connection faulted"): it is counted here too.
                ingestion.Refuse(new RecordRejection(RejectionReason.ClientClosed, "", $"the client closed the connection before the body arrived: {e.Message}"));
                // Kestrel would otherwise try to drain the rest of the body from the reset connection, and log an error.
                context.Abort();
                return;
            }
        }

        await RecordResponse.WriteAsync(context.Response, result, context.RequestAborted);
    }

    // Its own method so that the closure it needs is allocated only for requests that carry a key.
    private async Task<IngestResult> IngestOnceAsync(HttpContext context, string scopedKey, StampedLabel? stamp)
    {
        (var result, bool replayed) = await idempotency.RunOnceAsync(scopedKey, ticket => IngestAsync(context, stamp, ticket).AsTask(), context.RequestAborted);
        if (replayed)
        {
            context.Response.Headers[ReplayedHeader] = "true";
        }

        return result;
    }

    // A ValueTask: the body has almost always arrived with the headers, and a completed ValueTask allocates nothing.
    private async ValueTask<IngestResult> IngestAsync(HttpContext context, StampedLabel? stamp, IdempotencyTicket? ticket)
    {
        var request = context.Request;
        if (RecordBodyEncoding.Refusal(request) is { } refusal)
        {
            return ingestion.Refuse(refusal);
        }

        int maxBytes = options.Value.MaxBodyBytes;
        if (request.ContentLength > maxBytes)
        {
            return ingestion.Refuse(TooLarge(maxBytes));
        }

        using var body = await RequestBody.ReadAsync(request, maxBytes, context.RequestAborted);
        if (body.TooLarge)
        {
            return ingestion.Refuse(TooLarge(maxBytes));
        }

        var records = RecordBodyEncoding.WithoutByteOrderMark(body.Memory);
        var result = ticket is { } once
            ? await once.ApplyAsync((ingestion, records, stamp), static state => state.ingestion.Ingest(state.records, state.stamp), context.RequestAborted)
            : ingestion.Ingest(records, stamp);
        if (stamp is not null && ClaimsAnotherComponent(result))
        {
            auth.CountForbidden("record");
        }

        return result;
    }

    // Once per request, like every other refusal for the key; a replayed answer is not counted again.
    private static bool ClaimsAnotherComponent(IngestResult result)
    {
        foreach (var item in result.Rejected)
        {
            if (item.Rejection.Reason == RejectionReason.Forbidden)
            {
                return true;
            }
        }

        return false;
    }

    private static RecordRejection TooLarge(int maxBytes) =>
        new(RejectionReason.BodyTooLarge, "", $"the body is larger than {maxBytes} bytes; split it into smaller batches.");
}
