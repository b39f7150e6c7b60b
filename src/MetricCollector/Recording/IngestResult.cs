namespace MetricCollector.Recording;

/// <summary>What became of one <c>POST /record</c> body.</summary>
/// <param name="IsBatch">True when the body was an array of records.</param>
/// <param name="Accepted">How many records were applied.</param>
/// <param name="Rejected">The refused records, in body order.</param>
/// <param name="BodyRejection">Set when the whole body was refused before any record was read.</param>
internal sealed record IngestResult(bool IsBatch, int Accepted, IReadOnlyList<IndexedRejection> Rejected, RecordRejection? BodyRejection)
{
    /// <summary>The status for a batch of which some records were applied and some refused: the sender must not resend it.</summary>
    public const int PartialSuccessStatus = 207;

    /// <summary>A single record (not a batch), applied: the answer to most requests, so shared rather than allocated.</summary>
    public static IngestResult OneAccepted { get; } = new(false, 1, [], null);

    public static IngestResult ForBody(RecordRejection rejection) => new(false, 0, [], rejection);

    /// <summary>
    /// 202 when every record was applied; 207 for a partly applied batch; otherwise the status of the refusal
    /// (for a batch with nothing applied: 409 when every refusal is a conflict, else the first item's status).
    /// </summary>
    public int StatusCode
    {
        get
        {
            if (BodyRejection is not null)
            {
                return BodyRejection.StatusCode;
            }

            if (Rejected.Count == 0)
            {
                return 202;
            }

            if (Accepted > 0)
            {
                return PartialSuccessStatus;
            }

            int status = Rejected[0].Rejection.StatusCode;
            foreach (var item in Rejected)
            {
                if (item.Rejection.StatusCode != status)
                {
                    return 400;
                }
            }

            return status;
        }
    }
}
