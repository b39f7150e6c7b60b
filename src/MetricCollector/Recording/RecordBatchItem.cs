namespace MetricCollector.Recording;

/// <summary>One item of a body: the record, or why it could not be read.</summary>
/// <remarks>
/// One reference rather than two fields, since an item is exactly one of the two: a batch of 1000 holds 8 KB of items
/// instead of 16 KB, allocated with every batch.
/// </remarks>
internal readonly struct RecordBatchItem
{
    private readonly object _item;

    /// <param name="record">The record, when it satisfied the schema; null when <paramref name="rejection"/> is set.</param>
    /// <param name="rejection">Why it did not; null when <paramref name="record"/> is set.</param>
    /// <exception cref="ArgumentException">Both or neither are set.</exception>
    public RecordBatchItem(MetricRecord? record, RecordRejection? rejection)
    {
        if ((record is null) == (rejection is null))
        {
            throw new ArgumentException("an item is either a record or a rejection.", nameof(rejection));
        }

        _item = (object?)record ?? rejection!;
    }

    /// <summary>The record, when it satisfied the schema.</summary>
    public MetricRecord? Record => _item as MetricRecord;

    /// <summary>Why it did not.</summary>
    public RecordRejection? Rejection => _item as RecordRejection;
}
