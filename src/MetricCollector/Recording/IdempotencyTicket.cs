namespace MetricCollector.Recording;

/// <summary>
/// Given to the first body with an <c>Idempotency-Key</c>: applies its records and records its answer in one step, so
/// that a snapshot holds both or neither (a key whose records were saved without it would be applied again on a retry
/// after a crash).
/// </summary>
internal readonly struct IdempotencyTicket
{
    private readonly IdempotencyCache _cache;
    private readonly IdempotencyCache.Entry _entry;

    internal IdempotencyTicket(IdempotencyCache cache, IdempotencyCache.Entry entry)
    {
        _cache = cache;
        _entry = entry;
    }

    /// <summary>
    /// Runs <paramref name="ingest"/> (which applies the records) and answers the key with its result; waits first while
    /// a snapshot is being captured.
    /// </summary>
    public ValueTask<IngestResult> ApplyAsync<TState>(TState state, Func<TState, IngestResult> ingest, CancellationToken cancellationToken) =>
        _cache.ApplyAsync(_entry, state, ingest, cancellationToken);
}
