namespace MetricCollector.Recording;

/// <summary>Snake-case label values of <see cref="RejectionReason"/>, allocated once.</summary>
internal static class ReasonLabels
{
    public static string Of(RejectionReason reason) => reason switch
    {
        RejectionReason.MalformedJson => "malformed_json",
        RejectionReason.EmptyBody => "empty_body",
        RejectionReason.UnsupportedMediaType => "unsupported_media_type",
        RejectionReason.BodyTooLarge => "body_too_large",
        RejectionReason.BatchTooLarge => "batch_too_large",
        RejectionReason.SchemaViolation => "schema_violation",
        RejectionReason.InvalidValue => "invalid_value",
        RejectionReason.DefinitionConflict => "definition_conflict",
        RejectionReason.ReservedName => "reserved_name",
        RejectionReason.NameCollision => "name_collision",
        RejectionReason.SeriesLimit => "series_limit",
        RejectionReason.TooManyLabels => "too_many_labels",
        RejectionReason.LabelValueTooLong => "label_value_too_long",
        RejectionReason.MetricLimit => "metric_limit",
        RejectionReason.MetricSeriesLimit => "metric_series_limit",
        RejectionReason.Unauthorized => "unauthorized",
        RejectionReason.Forbidden => "forbidden",
        RejectionReason.InvalidIdempotencyKey => "invalid_idempotency_key",
        RejectionReason.ValueOverflow => "value_overflow",
        RejectionReason.UnreadableBody => "unreadable_body",
        RejectionReason.BodyTimeout => "body_timeout",
        RejectionReason.ClientClosed => "client_closed",
        _ => "other",
    };
}
