using MetricCollector.Collector;

namespace MetricCollector.Recording;

/// <summary>Why one record was refused, naming the offending field.</summary>
/// <remarks>A null field or detail, which only a hand-edited snapshot's remembered answer can hold, is read as empty.</remarks>
/// <param name="Reason">The category of the refusal.</param>
/// <param name="Field">A JSON Pointer to the offending field (<c>/labels/le</c>, <c>/value</c>), or empty for the whole body.</param>
/// <param name="Detail">A sentence that tells the sender what to change.</param>
public sealed record RecordRejection(RejectionReason Reason, string Field, string Detail)
{
    /// <summary>The pointer, each of its tokens (a label or field name as sent) cut to 128 characters and its length.</summary>
    public string Field { get; init; } = Echo.Pointer(Field ?? "");

    /// <summary>The sentence, at most 2048 characters: every refusal ends up in an answer and a log line.</summary>
    public string Detail { get; init; } = Echo.Of(Detail ?? "", Echo.MaxDetailLength);

    /// <summary>For conflicts: the definition the metric already has.</summary>
    public MetricDefinition? ExistingDefinition { get; init; }

    /// <summary>The HTTP status that answers this rejection.</summary>
    public int StatusCode => Reason switch
    {
        RejectionReason.DefinitionConflict or RejectionReason.ReservedName or RejectionReason.NameCollision => 409,
        RejectionReason.UnsupportedMediaType => 415,
        RejectionReason.BodyTooLarge or RejectionReason.BatchTooLarge => 413,
        RejectionReason.SeriesLimit or RejectionReason.MetricLimit or RejectionReason.MetricSeriesLimit or RejectionReason.ValueOverflow => 422,
        RejectionReason.Unauthorized => 401,
        RejectionReason.Forbidden => 403,
        RejectionReason.BodyTimeout => 408,
        RejectionReason.ClientClosed => 499,
        _ => 400,
    };

    /// <summary>The reason as written in the <c>reason</c> label of <c>metric_collector_records_total</c>.</summary>
    public string ReasonLabel => ReasonLabels.Of(Reason);
}
