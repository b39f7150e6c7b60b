using MetricCollector.Collector;
using Microsoft.Extensions.Options;

namespace MetricCollector.Recording;

/// <summary>
/// Remembers the result of each <c>POST /record</c> body sent with an <c>Idempotency-Key</c>, so that a sender who
/// retries because the answer was lost gets the first answer again instead of having the batch applied twice. A
/// duplicate that arrives while the first is still being applied waits for it. Memory is bounded twice: keys are
/// forgotten after <see cref="MetricCollectorOptions.IdempotencyWindow"/>, and beyond
/// <see cref="MetricCollectorOptions.IdempotencyMaxKeys"/> keys or <see cref="MetricCollectorOptions.IdempotencyMaxBytes"/>
/// of answers the oldest go first.
/// </summary>
internal sealed class IdempotencyCache
{
    /// <summary>The longest key accepted; a UUID is 36 characters, this leaves room for a sender's prefix.</summary>
    public const int MaxKeyLength = 128;

    /// <summary>
    /// The longest prefix a host may put before a sender's key to scope it to a credential (the gateway's, a hash and a
    /// colon, is 17 characters): keys are held, and saved in snapshots, with it.
    /// </summary>
    public const int MaxScopeLength = 32;

    private readonly Dictionary<string, Entry> _entries = new(StringComparer.Ordinal);

    // Entries in the order they were created, which is also the order in which they expire. An entry removed from
    // _entries early (abandoned) stays here until it reaches the head and is then skipped.
    private readonly Queue<Entry> _order = new();
    private readonly Lock _gate = new();

    // Passed by each body while it applies its records and gets its answer (IdempotencyTicket.ApplyAsync), closed while
    // a snapshot is captured (CaptureWithAnswers): a snapshot holds a key exactly when it holds what the key applied.
    private readonly SnapshotGate _snapshotGate = new();
    private readonly TimeProvider _time;
    private readonly PrometheusMetricCollector _collector;
    private readonly TimeSpan _window;
    private readonly int _maxKeys;
    private readonly long _maxBytes;

    // The estimated size of the answers held (Weigh); changed under _gate.
    private long _bytes;

    public IdempotencyCache(IOptions<MetricCollectorOptions> options, TimeProvider time, PrometheusMetricCollector collector)
    {
        _time = time;
        _collector = collector;
        _window = options.Value.IdempotencyWindow;
        _maxKeys = options.Value.IdempotencyMaxKeys;
        _maxBytes = options.Value.IdempotencyMaxBytes;
    }

    /// <summary>The estimated size of the answers remembered now.</summary>
    public long Bytes
    {
        get
        {
            lock (_gate)
            {
                return _bytes;
            }
        }
    }

    /// <summary>How many keys are remembered now, finished or in flight.</summary>
    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _entries.Count;
            }
        }
    }

    /// <summary>Visible ASCII (as an HTTP token would be), 1 to <see cref="MaxKeyLength"/> characters.</summary>
    public static bool IsValidKey(string key) => IsVisibleAscii(key, MaxKeyLength);

    /// <summary>
    /// Runs <paramref name="apply"/> for the first body with <paramref name="key"/> and remembers its result; a later body
    /// with the same key gets that result (<c>Replayed</c> true) without running anything. When the first run fails or
    /// is cancelled the key is forgotten, so that the sender's retry is applied. <paramref name="apply"/> applies the
    /// records through the <see cref="IdempotencyTicket"/> it is given, so that a snapshot never holds them without the key.
    /// </summary>
    public async Task<(IngestResult Result, bool Replayed)> RunOnceAsync(string key, Func<IdempotencyTicket, Task<IngestResult>> apply, CancellationToken cancellationToken)
    {
        while (true)
        {
            Entry entry;
            bool first;
            lock (_gate)
            {
                long now = _time.GetTimestamp();
                // Expired keys go before the lookup; the count is enforced after an add, so that a key held when the
                // cache is exactly full is found, not evicted by its own lookup (a retry of the oldest key was applied
                // again, and with IdempotencyMaxKeys 1 every retry was).
                Evict(now);
                first = !_entries.TryGetValue(key, out entry!);
                if (first)
                {
                    entry = new Entry(key, now);
                    _entries.Add(key, entry);
                    _order.Enqueue(entry);
                    Evict(now);
                }
            }

            if (first)
            {
                return (await RunFirstAsync(entry, apply), false);
            }

            try
            {
                var result = await entry.Result.Task.WaitAsync(cancellationToken);
                _collector.CountIdempotentReplay();
                return (result, true);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                // The first attempt never finished, so nothing was applied under this key: try to become the first.
            }
        }
    }

    /// <summary>
    /// Runs <paramref name="capture"/> (a snapshot of the series) while no body with a key is being applied, giving it
    /// the keys answered and still remembered, oldest first: each of them has applied all it answers by then, and no
    /// other key has applied anything. Bodies with a key wait until it returns; bodies without one do not.
    /// </summary>
    public T CaptureWithAnswers<T>(Func<List<RememberedAnswer>, T> capture) => _snapshotGate.Capture(() => capture(Answered()));

    /// <summary>The keys answered and still remembered, oldest first.</summary>
    private List<RememberedAnswer> Answered()
    {
        lock (_gate)
        {
            long now = _time.GetTimestamp();
            var answered = new List<RememberedAnswer>(_entries.Count);
            foreach (var entry in _order)
            {
                if (IsCurrent(entry) && entry.Result.Task.IsCompletedSuccessfully)
                {
                    answered.Add(new RememberedAnswer(entry.Key, _time.GetElapsedTime(entry.Created, now).TotalSeconds, entry.Result.Task.Result));
                }
            }

            return answered;
        }
    }

    /// <summary>
    /// Remembers the keys of a snapshot again, each as old as it was then plus <paramref name="downtime"/>: those still
    /// within the window are answered as before the restart. Called at start-up, before any request.
    /// </summary>
    /// <returns>How many keys are remembered.</returns>
    public int Remember(IReadOnlyList<RememberedAnswer?> answers, TimeSpan downtime)
    {
        var kept = new List<(double AgeSeconds, RememberedAnswer Answer)>(answers.Count);
        foreach (var item in answers)
        {
            // A hand-edited or older snapshot may hold anything: what no request could have left is skipped.
            if (item is { Key: { } key } && IsHeldKey(key) && double.IsFinite(item.AgeSeconds) && CouldHaveAnswered(item.Answer))
            {
                // Kept in seconds: an age no TimeSpan holds would throw OverflowException and stop every start.
                double ageSeconds = Math.Max(0, item.AgeSeconds) + downtime.TotalSeconds;
                if (ageSeconds < _window.TotalSeconds)
                {
                    kept.Add((ageSeconds, item));
                }
            }
        }

        // Oldest first, as _order must be: eviction takes from its head.
        kept.Sort(static (left, right) => right.AgeSeconds.CompareTo(left.AgeSeconds));
        int remembered = 0;
        lock (_gate)
        {
            long now = _time.GetTimestamp();
            foreach (var (ageSeconds, item) in kept)
            {
                if (_entries.ContainsKey(item.Key))
                {
                    continue;
                }

                var entry = new Entry(item.Key, now - (long)(ageSeconds * _time.TimestampFrequency));
                entry.Result.SetResult(item.Answer);
                _entries.Add(item.Key, entry);
                _order.Enqueue(entry);
                Weigh(entry, item.Answer);
                remembered++;
            }

            Evict(now);
        }

        return remembered;
    }

    // An answer as a request could have had it: replaying any other could fail while it is written (500).
    private static bool CouldHaveAnswered(IngestResult? answer)
    {
        if (answer is not { Accepted: >= 0, Rejected: { } rejected }
            || (!answer.IsBatch && rejected.Count > 1)
            || (answer.BodyRejection is { } body && !IsComplete(body)))
        {
            return false;
        }

        foreach (var item in rejected)
        {
            if (item is not { Index: >= 0, Rejection: { } rejection } || !IsComplete(rejection))
            {
                return false;
            }
        }

        return true;
    }

    // Every refusal names its reason and says what to change; its field may be empty (the whole body).
    private static bool IsComplete(RecordRejection rejection) => Enum.IsDefined(rejection.Reason) && rejection.Detail.Length > 0;

    // A key as RunOnceAsync may hold it: a valid key behind a credential's scope (visible ASCII as well).
    private static bool IsHeldKey(string key) => IsVisibleAscii(key, MaxKeyLength + MaxScopeLength);

    private static bool IsVisibleAscii(string key, int maxLength) =>
        key.Length > 0 && key.Length <= maxLength && !key.AsSpan().ContainsAnyExceptInRange('!', '~');

    /// <summary>Applies a body's records and answers its key as one step for <see cref="CaptureWithAnswers"/>.</summary>
    internal async ValueTask<IngestResult> ApplyAsync<TState>(Entry entry, TState state, Func<TState, IngestResult> ingest, CancellationToken cancellationToken)
    {
        await _snapshotGate.EnterAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var result = ingest(state);
            Answer(entry, result);
            return result;
        }
        finally
        {
            _snapshotGate.Exit();
        }
    }

    private async Task<IngestResult> RunFirstAsync(Entry entry, Func<IdempotencyTicket, Task<IngestResult>> apply)
    {
        try
        {
            // A body refused before anything was applied (too large, say) is answered here instead of by the ticket.
            var result = await apply(new IdempotencyTicket(this, entry));
            Answer(entry, result);
            return result;
        }
        catch
        {
            lock (_gate)
            {
                if (IsCurrent(entry))
                {
                    Forget(entry);
                }
            }

            entry.Result.TrySetCanceled(CancellationToken.None);
            throw;
        }
    }

    private void Evict(long now)
    {
        int passedOver = 0;
        while (_order.TryPeek(out var oldest))
        {
            bool current = IsCurrent(oldest);
            bool answered = oldest.Result.Task.IsCompleted;
            if (current && !answered && _bytes > _maxBytes && _entries.Count <= _maxKeys && passedOver < _order.Count)
            {
                // Over the byte budget with a key in flight at the head (a body arriving slowly holds it there for
                // minutes): it holds no bytes, so it goes behind the answered keys, which can go. Only the time window
                // is measured from the head, and a key in flight outlives its window anyway.
                _order.Dequeue();
                _order.Enqueue(oldest);
                passedOver++;
                continue;
            }

            // An entry still in flight outlives its window (its duplicates must keep waiting for it), never the count;
            // nor the byte budget, which it holds nothing of: evicting it would free nothing and let its duplicate be
            // applied twice. The budget is enforced again when it is answered.
            bool overfull = _entries.Count > _maxKeys || (_bytes > _maxBytes && answered);
            bool expired = _time.GetElapsedTime(oldest.Created, now) >= _window && answered;
            if (current && !overfull && !expired)
            {
                return;
            }

            _order.Dequeue();
            if (current)
            {
                Forget(oldest);
            }
        }
    }

    /// <summary>Gives <paramref name="entry"/> its answer (once) and counts the answer's size against the budget.</summary>
    private void Answer(Entry entry, IngestResult result)
    {
        if (!entry.Result.TrySetResult(result))
        {
            return;
        }

        lock (_gate)
        {
            if (IsCurrent(entry))
            {
                Weigh(entry, result);
                Evict(_time.GetTimestamp());
            }
        }
    }

    // Called under _gate.
    private void Weigh(Entry entry, IngestResult result)
    {
        entry.Bytes = EstimateBytes(entry.Key, result);
        _bytes += entry.Bytes;
    }

    // Called under _gate, for a current entry.
    private void Forget(Entry entry)
    {
        _entries.Remove(entry.Key);
        _bytes -= entry.Bytes;
    }

    /// <summary>
    /// About what an entry holds: the entry, its task and answer (EntryBytes), the key, and each refusal with its field
    /// and detail (UTF-16). A batch of 1000 refused records with long label names held about 815 KB in a review.
    /// </summary>
    internal static long EstimateBytes(string key, IngestResult result)
    {
        const int EntryBytes = 320;
        const int RejectionBytes = 136;
        long bytes = EntryBytes + 2L * key.Length;
        foreach (var item in result.Rejected)
        {
            bytes += RejectionBytes + 2L * (item.Rejection.Field.Length + item.Rejection.Detail.Length);
        }

        if (result.BodyRejection is { } body)
        {
            bytes += RejectionBytes + 2L * (body.Field.Length + body.Detail.Length);
        }

        return bytes;
    }

    // An entry replaced after it failed or was evicted is not its key's any more; called under _gate.
    private bool IsCurrent(Entry entry) => _entries.TryGetValue(entry.Key, out var held) && ReferenceEquals(held, entry);

    /// <summary>A key, when it was first seen, and the answer its first body gave (or will give).</summary>
    internal sealed class Entry(string key, long created)
    {
        public string Key { get; } = key;

        public long Created { get; } = created;

        public TaskCompletionSource<IngestResult> Result { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        /// <summary>The answer's estimated size, once answered (<see cref="EstimateBytes"/>); changed under the cache's lock.</summary>
        public long Bytes { get; set; }
    }
}
