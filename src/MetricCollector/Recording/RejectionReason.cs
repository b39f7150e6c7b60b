namespace MetricCollector.Recording;

/// <summary>Why a record or a request was refused. Each reason is a value of the self-metric's <c>reason</c> label.</summary>
public enum RejectionReason
{
    /// <summary>The body is not well-formed JSON (400).</summary>
    MalformedJson,

    /// <summary>The body is empty (400).</summary>
    EmptyBody,

    /// <summary>The request's content type is not JSON (415).</summary>
    UnsupportedMediaType,

    /// <summary>The body exceeds the configured size limit (413).</summary>
    BodyTooLarge,

    /// <summary>A batch holds more records than allowed (413).</summary>
    BatchTooLarge,

    /// <summary>The record does not satisfy the JSON schema (400).</summary>
    SchemaViolation,

    /// <summary>A number is not finite, a counter increment is negative, or buckets are not increasing or below 0 (400).</summary>
    InvalidValue,

    /// <summary>The record disagrees with the metric's first definition: type, label names, buckets or objectives (409).</summary>
    DefinitionConflict,

    /// <summary>The name is reserved for the collector's and the gateway's own metrics (409).</summary>
    ReservedName,

    /// <summary>The name's exposition series would collide with another metric's (409).</summary>
    NameCollision,

    /// <summary>The record would create a series beyond the collector's series limit (422).</summary>
    SeriesLimit,

    /// <summary>The record carries more labels than <c>MaxLabelsPerRecord</c> allows (400).</summary>
    TooManyLabels,

    /// <summary>A label value is longer than <c>MaxLabelValueLength</c> allows (400).</summary>
    LabelValueTooLong,

    /// <summary>The record would define a metric name beyond <c>MaxMetrics</c> (422).</summary>
    MetricLimit,

    /// <summary>The record would create a series beyond its metric's <c>MaxSeriesPerMetric</c> (422).</summary>
    MetricSeriesLimit,

    /// <summary>The request carries no valid credential (401).</summary>
    Unauthorized,

    /// <summary>The credential may not do this: write another component's series, or delete without the admin role (403).</summary>
    Forbidden,

    /// <summary>The <c>Idempotency-Key</c> header is empty, too long, not printable ASCII or given twice (400).</summary>
    InvalidIdempotencyKey,

    /// <summary>
    /// Applying the record would make a stored value infinite: a counter, a gauge changed with inc/dec, or a histogram's
    /// or summary's sum (422). The value is left as it was.
    /// </summary>
    ValueOverflow,

    /// <summary>
    /// The body could not be read to its end: a malformed chunked encoding (400). Nothing is applied, and an
    /// <c>Idempotency-Key</c> sent with it is forgotten, so that the sender's retry is applied.
    /// </summary>
    UnreadableBody,

    /// <summary>
    /// The body arrived slower than the server's minimum data rate and reading it was given up (408, which senders
    /// retry). Nothing is applied, and an <c>Idempotency-Key</c> sent with it is forgotten, so that the retry is applied.
    /// </summary>
    BodyTimeout,

    /// <summary>
    /// The client closed or reset the connection before its body arrived (499, which no one reads). Nothing is applied,
    /// and an <c>Idempotency-Key</c> sent with it is forgotten, so that the retry is applied.
    /// </summary>
    ClientClosed,
}
