namespace MetricCollector.Recording;

/// <summary>The result of recording one metric record.</summary>
/// <param name="Rejection">Why the record was refused, or null when it was applied.</param>
public readonly record struct RecordOutcome(RecordRejection? Rejection)
{
    /// <summary>The record was applied.</summary>
    public static RecordOutcome Accepted => default;

    /// <summary>True when the record was applied.</summary>
    public bool IsAccepted => Rejection is null;
}
