using System.Buffers.Text;
using System.IO.Pipelines;
using System.Text.Json;
using System.Text.Json.Serialization;
using MetricCollector.Collector;
using MetricCollector.Recording;
using Microsoft.AspNetCore.Mvc;

namespace MetricCollector.Gateway.Recording;

/// <summary>
/// Writes the answer to <c>POST /record</c>: <c>{"accepted": n, "rejected": m, "errors": [...]}</c> for 202 and 207, and
/// RFC 9457 problem details (<c>application/problem+json</c>) carrying the same fields for every refusal.
/// </summary>
internal static class RecordResponse
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };

    private static readonly byte[] AcceptedPrefix = "{\"accepted\":"u8.ToArray();
    private static readonly byte[] NoneRejectedSuffix = ",\"rejected\":0}"u8.ToArray();

    public static Task WriteAsync(HttpResponse response, IngestResult result, CancellationToken cancellationToken)
    {
        int status = result.StatusCode;
        response.StatusCode = status;
        if (status == StatusCodes.Status202Accepted)
        {
            return WriteAllAcceptedAsync(response, result.Accepted, cancellationToken);
        }

        // Headers are written from the result, not by whoever produced it, so that a replay of this answer
        // (Idempotency-Key) carries them too. RFC 9110 15.5.16: a 415 for a content coding says which codings would do.
        if (result.BodyRejection is { Reason: RejectionReason.UnsupportedMediaType, Field: RecordBodyEncoding.ContentEncodingField })
        {
            response.Headers.AcceptEncoding = "identity";
        }

        var errors = Errors(result);
        int rejected = result.BodyRejection is null ? result.Rejected.Count : 0;
        if (status < 300)
        {
            // 207: a batch partly applied (an all-accepted body was answered above).
            return response.WriteAsJsonAsync(new RecordSummary(result.Accepted, rejected, errors), Json, cancellationToken);
        }

        // Named after the body's refusal, or the first refused record whose status is the answer's: a batch refused
        // for reasons of different statuses is 400 and must not carry a 409 reason. For a batch the field points into
        // the array. Mixed statuses none of which is 400 (409 and 422, say) leave no such record: RFC 9457's
        // about:blank then says the status is all there is, and errors gives each reason.
        int index = -1;
        var first = result.BodyRejection ?? Headline(result.Rejected, status, out index);
        var problem = new ProblemDetails
        {
            Type = first is null ? "about:blank" : ProblemResponse.TypePrefix + first.ReasonLabel,
            Title = first is null ? "Bad Request" : TitleOf(first.Reason),
            Status = status,
            Detail = result.IsBatch ? $"{rejected} of {rejected + result.Accepted} records were rejected; see errors." : first!.Detail,
        };
        problem.Extensions["field"] = first is null ? "" : result.IsBatch && result.BodyRejection is null ? ItemPointer(index, first.Field) : first.Field;
        problem.Extensions["accepted"] = result.Accepted;
        problem.Extensions["rejected"] = rejected;
        problem.Extensions["errors"] = errors;
        if (!result.IsBatch && first?.ExistingDefinition is { } existing)
        {
            problem.Extensions["existing_definition"] = existing;
        }

        return response.WriteAsJsonAsync(problem, Json, "application/problem+json", cancellationToken);
    }

    /// <summary>
    /// The answer to almost every body: the same bytes the serializer writes for a summary without errors, written
    /// directly with a Content-Length, since this is most of the per-request work of a single-record POST otherwise.
    /// </summary>
    private static Task<FlushResult> WriteAllAcceptedAsync(HttpResponse response, int accepted, CancellationToken cancellationToken)
    {
        Span<byte> body = stackalloc byte[40];
        AcceptedPrefix.CopyTo(body);
        Utf8Formatter.TryFormat(accepted, body[AcceptedPrefix.Length..], out int digits);
        int length = AcceptedPrefix.Length + digits;
        NoneRejectedSuffix.CopyTo(body[length..]);
        length += NoneRejectedSuffix.Length;
        response.ContentType = "application/json; charset=utf-8";
        response.ContentLength = length;
        var writer = response.BodyWriter;
        body[..length].CopyTo(writer.GetSpan(length));
        writer.Advance(length);
        // Flushed here rather than left to the server, for hosts whose middleware replaces the response body;
        // with the length known, Kestrel still sends the headers and the body in one write.
        return writer.FlushAsync(cancellationToken).AsTask();
    }

    private static RecordRejection? Headline(IReadOnlyList<IndexedRejection> rejected, int status, out int index)
    {
        foreach (var item in rejected)
        {
            if (item.Rejection.StatusCode == status)
            {
                index = item.Index;
                return item.Rejection;
            }
        }

        index = -1;
        return null;
    }

    private static string ItemPointer(int index, string field) => "/" + index.ToString(System.Globalization.CultureInfo.InvariantCulture) + field;

    private static List<RecordError> Errors(IngestResult result)
    {
        if (result.BodyRejection is { } body)
        {
            return [new RecordError(null, body.Field, body.ReasonLabel, body.Detail, null)];
        }

        var errors = new List<RecordError>(result.Rejected.Count);
        foreach (var (index, rejection) in result.Rejected)
        {
            errors.Add(new RecordError(result.IsBatch ? index : null, rejection.Field, rejection.ReasonLabel, rejection.Detail, rejection.ExistingDefinition));
        }

        return errors;
    }

    private static string TitleOf(RejectionReason reason) => reason switch
    {
        RejectionReason.MalformedJson => "Malformed JSON",
        RejectionReason.EmptyBody => "Empty body",
        RejectionReason.UnsupportedMediaType => "Unsupported media type",
        RejectionReason.BodyTooLarge => "Body too large",
        RejectionReason.BatchTooLarge => "Batch too large",
        RejectionReason.SchemaViolation => "Invalid metric record",
        RejectionReason.InvalidValue => "Invalid value",
        RejectionReason.DefinitionConflict => "Metric definition conflict",
        RejectionReason.ReservedName => "Reserved metric name",
        RejectionReason.SeriesLimit => "Series limit reached",
        RejectionReason.TooManyLabels => "Too many labels",
        RejectionReason.LabelValueTooLong => "Label value too long",
        RejectionReason.MetricLimit => "Metric limit reached",
        RejectionReason.MetricSeriesLimit => "Series limit of the metric reached",
        RejectionReason.Unauthorized => "Unauthorized",
        RejectionReason.Forbidden => "Forbidden",
        RejectionReason.InvalidIdempotencyKey => "Invalid Idempotency-Key",
        RejectionReason.ValueOverflow => "Value overflow",
        RejectionReason.UnreadableBody => "Unreadable body",
        RejectionReason.BodyTimeout => "Body too slow",
        RejectionReason.ClientClosed => "Client closed the connection",
        _ => "Metric name collision",
    };

    /// <summary>The body of 207 answers; 202's has the same shape, written by <see cref="WriteAllAcceptedAsync"/>.</summary>
    private sealed record RecordSummary(int Accepted, int Rejected, IReadOnlyList<RecordError> Errors);

    /// <summary>One refused record: where it was in the batch, which field, and why.</summary>
    private sealed record RecordError(int? Index, string Field, string Reason, string Detail, MetricDefinition? ExistingDefinition);
}
