using MetricCollector.Collector;
using MetricCollector.Recording;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace MetricCollector.Tests.Recording;

public sealed class IdempotencyCacheTests
{
    private static readonly IngestResult Applied = new(true, 3, [], null);

    private readonly ManualTime _time = new();
    private readonly PrometheusMetricCollector _collector;
    private readonly IdempotencyCache _cache;
    private int _applied;

    public IdempotencyCacheTests() : this(new MetricCollectorOptions { IdempotencyWindow = TimeSpan.FromMinutes(1), IdempotencyMaxKeys = 3 })
    {
    }

    private IdempotencyCacheTests(MetricCollectorOptions options)
    {
        _collector = new PrometheusMetricCollector(Options.Create(options), NullLogger<PrometheusMetricCollector>.Instance, _time);
        _cache = new IdempotencyCache(Options.Create(options), _time, _collector);
    }

    private Task<IngestResult> Apply(IdempotencyTicket ticket) => ticket.ApplyAsync(this, static test => test.ApplyNow(), default).AsTask();

    private async Task<double> ReplaysAsync() =>
        TestCollector.Samples(await _collector.ExposeAsync())["metric_collector_idempotent_replays_total"];

    /// <summary>
    /// A review sent batches of 1000 records refused for long label names, each with a new key: each answer, naming
    /// every refusal, was remembered whole (about 815 KB), so 100,000 keys could hold about 80 GB. The answers' size is
    /// bounded too now: beyond IdempotencyMaxBytes the oldest keys go, and a retry of one of those is applied again.
    /// </summary>
    [Fact]
    public async Task Answers_beyond_the_byte_budget_make_the_oldest_keys_go()
    {
        var options = new MetricCollectorOptions { IdempotencyWindow = TimeSpan.FromMinutes(10), IdempotencyMaxBytes = 1024 * 1024 };
        var cache = new IdempotencyCache(Options.Create(options), _time, _collector);
        var refusal = new RecordRejection(RejectionReason.SchemaViolation, "/0/labels/" + new string('b', 100), new string('d', 200));
        IndexedRejection[] refused = [.. Enumerable.Range(0, 1000).Select(i => new IndexedRejection(i, refusal))];
        long answer = IdempotencyCache.EstimateBytes("k0", new IngestResult(true, 0, refused, null));
        int applied = 0;
        Task<IngestResult> Refuse(IdempotencyTicket ticket) =>
            ticket.ApplyAsync(refused, all => { applied++; return new IngestResult(true, 0, all, null); }, default).AsTask();

        for (int key = 0; key < 4; key++)
        {
            await cache.RunOnceAsync("k" + key, Refuse, default);
        }

        var newest = await cache.RunOnceAsync("k3", Refuse, default);
        var oldest = await cache.RunOnceAsync("k0", Refuse, default);

        Assert.InRange(answer, 700_000, 900_000);
        Assert.True(newest.Replayed);
        Assert.False(oldest.Replayed);
        Assert.Equal(5, applied);
        Assert.InRange(cache.Bytes, 1, options.IdempotencyMaxBytes);
    }

    /// <summary>
    /// A review: past the byte budget, eviction took a key still being applied, which holds no bytes, so its duplicate
    /// was applied a second time. A key in flight now stays; the budget is enforced again when it is answered.
    /// </summary>
    [Fact]
    public async Task The_byte_budget_never_evicts_a_key_still_being_applied()
    {
        var options = new MetricCollectorOptions { IdempotencyWindow = TimeSpan.FromMinutes(10), IdempotencyMaxBytes = 1024 * 1024 };
        var cache = new IdempotencyCache(Options.Create(options), _time, _collector);
        var refusal = new RecordRejection(RejectionReason.SchemaViolation, "/0/labels/" + new string('b', 100), new string('d', 200));
        IndexedRejection[] refused = [.. Enumerable.Range(0, 1000).Select(i => new IndexedRejection(i, refusal))];
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        async Task<IngestResult> Slow(IdempotencyTicket ticket)
        {
            await release.Task;
            return await ticket.ApplyAsync(this, static test => test.ApplyNow(), default);
        }

        Task<IngestResult> Large(IdempotencyTicket ticket) => ticket.ApplyAsync(refused, all => new IngestResult(true, 0, all, null), default).AsTask();

        var first = cache.RunOnceAsync("in-flight", Slow, default);
        for (int key = 0; key < 10; key++)
        {
            await cache.RunOnceAsync("k" + key, Large, default);
        }

        // The key in flight at the head does not stop the answered ones behind it from going (a review: 30 MB held
        // against a budget of 1 MiB while a slow body kept the oldest key in flight).
        long whileInFlight = cache.Bytes;
        var duplicate = cache.RunOnceAsync("in-flight", Slow, default);
        release.SetResult();
        await first;

        Assert.True((await duplicate).Replayed);
        Assert.Equal(1, _applied);
        Assert.InRange(whileInFlight, 1, options.IdempotencyMaxBytes);
        Assert.InRange(cache.Bytes, 1, options.IdempotencyMaxBytes);
    }

    /// <summary>Failures before and after an answer, whole-body refusals, duplicates and both evictions leave the byte count exact.</summary>
    [Fact]
    public async Task The_byte_count_stays_exact_under_failures_duplicates_and_evictions()
    {
        var options = new MetricCollectorOptions { IdempotencyWindow = TimeSpan.FromMinutes(10), IdempotencyMaxBytes = 1024 * 1024, IdempotencyMaxKeys = 50 };
        var cache = new IdempotencyCache(Options.Create(options), _time, _collector);
        var refusal = new RecordRejection(RejectionReason.SchemaViolation, "/0/labels/x", new string('d', 200));
        IndexedRejection[] refused = [.. Enumerable.Range(0, 300).Select(i => new IndexedRejection(i, refusal))];
        var workers = Enumerable.Range(0, 4).Select(worker => Task.Run(async () =>
        {
            var random = new Random(worker);
            for (int i = 0; i < 2000; i++)
            {
                string key = "k" + random.Next(120);
                int mode = random.Next(5);
                int size = random.Next(0, 300);
                try
                {
                    await cache.RunOnceAsync(key, async ticket =>
                    {
                        switch (mode)
                        {
                            case 0:
                                await Task.Yield();
                                throw new InvalidOperationException("before the answer");
                            case 1:
                                return new IngestResult(true, 0, [], new RecordRejection(RejectionReason.BodyTooLarge, "", "too large " + size));
                        }

                        var result = await ticket.ApplyAsync(size, count => new IngestResult(true, 0, refused[..count], null), default);
                        return mode == 2 ? throw new InvalidOperationException("after the answer") : result;
                    }, default);
                }
                catch (InvalidOperationException)
                {
                }
            }
        }));
        await Task.WhenAll(workers);

        _time.Advance(TimeSpan.FromMinutes(11));
        var last = await cache.RunOnceAsync("fresh", Apply, default);

        Assert.Equal(1, cache.Count);
        Assert.Equal(IdempotencyCache.EstimateBytes("fresh", last.Result), cache.Bytes);
    }

    [Fact]
    public async Task A_repeated_key_gets_the_first_result_without_applying_again()
    {
        var first = await _cache.RunOnceAsync("k1", Apply, default);
        var second = await _cache.RunOnceAsync("k1", _ => Task.FromResult(new IngestResult(true, 99, [], null)), default);

        Assert.False(first.Replayed);
        Assert.True(second.Replayed);
        Assert.Same(first.Result, second.Result);
        Assert.Equal(1, _applied);
        Assert.Equal(1, await ReplaysAsync());
    }

    [Fact]
    public async Task A_duplicate_arriving_while_the_first_is_applied_waits_for_it_and_applies_nothing()
    {
        var release = new TaskCompletionSource<IngestResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        var first = _cache.RunOnceAsync("k1", _ => { Interlocked.Increment(ref _applied); return release.Task; }, default);
        var duplicate = _cache.RunOnceAsync("k1", Apply, default);

        Assert.False(duplicate.IsCompleted);
        release.SetResult(Applied);

        Assert.Same(Applied, (await first).Result);
        Assert.True((await duplicate).Replayed);
        Assert.Same(Applied, (await duplicate).Result);
        Assert.Equal(1, _applied);
    }

    [Fact]
    public async Task A_first_attempt_that_fails_is_forgotten_so_the_retry_is_applied()
    {
        await Assert.ThrowsAsync<OperationCanceledException>(() => _cache.RunOnceAsync("k1", _ => throw new OperationCanceledException(), default));

        var retry = await _cache.RunOnceAsync("k1", Apply, default);

        Assert.False(retry.Replayed);
        Assert.Equal(1, _applied);
    }

    [Fact]
    public async Task A_waiting_duplicate_takes_over_when_the_first_attempt_fails()
    {
        var fail = new TaskCompletionSource<IngestResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        var first = _cache.RunOnceAsync("k1", _ => fail.Task, default);
        var duplicate = _cache.RunOnceAsync("k1", Apply, default);

        fail.SetException(new IOException("client went away"));

        await Assert.ThrowsAsync<IOException>(() => first);
        Assert.False((await duplicate).Replayed);
        Assert.Equal(1, _applied);
    }

    [Fact]
    public async Task A_key_is_forgotten_once_its_window_has_passed()
    {
        await _cache.RunOnceAsync("k1", Apply, default);
        _time.Advance(TimeSpan.FromSeconds(59));
        Assert.True((await _cache.RunOnceAsync("k1", Apply, default)).Replayed);

        _time.Advance(TimeSpan.FromSeconds(2));

        Assert.False((await _cache.RunOnceAsync("k1", Apply, default)).Replayed);
        Assert.Equal(2, _applied);
    }

    [Fact]
    public async Task Beyond_the_most_keys_the_oldest_is_forgotten_first()
    {
        foreach (string key in new[] { "k1", "k2", "k3", "k4" })
        {
            await _cache.RunOnceAsync(key, Apply, default);
        }

        Assert.Equal(3, _cache.Count);
        Assert.True((await _cache.RunOnceAsync("k4", Apply, default)).Replayed);
        Assert.False((await _cache.RunOnceAsync("k1", Apply, default)).Replayed);
        Assert.Equal(3, _cache.Count);
    }

    /// <summary>
    /// The count was enforced before the lookup, as if a key were about to be added: with the cache exactly full, looking
    /// up its oldest key evicted it first, and the retry was applied again (a reviewer's finding).
    /// </summary>
    [Fact]
    public async Task A_retry_of_the_oldest_key_in_a_full_cache_is_replayed()
    {
        foreach (string key in new[] { "a", "b", "c" })
        {
            await _cache.RunOnceAsync(key, Apply, default);
        }

        Assert.True((await _cache.RunOnceAsync("a", Apply, default)).Replayed);
        Assert.True((await _cache.RunOnceAsync("c", Apply, default)).Replayed);
        Assert.Equal(3, _applied);
        Assert.Equal(3, _cache.Count);
    }

    [Fact]
    public async Task With_room_for_one_key_its_retries_are_replayed_and_a_duplicate_in_flight_waits()
    {
        var single = new IdempotencyCacheTests(new MetricCollectorOptions { IdempotencyWindow = TimeSpan.FromMinutes(1), IdempotencyMaxKeys = 1 });
        var release = new TaskCompletionSource<IngestResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        var first = single._cache.RunOnceAsync("k", _ => { Interlocked.Increment(ref single._applied); return release.Task; }, default);
        var duplicate = single._cache.RunOnceAsync("k", single.Apply, default);

        Assert.False(duplicate.IsCompleted);
        release.SetResult(Applied);
        await first;

        Assert.True((await duplicate).Replayed);
        Assert.True((await single._cache.RunOnceAsync("k", single.Apply, default)).Replayed);
        Assert.Equal(1, single._applied);
        Assert.False((await single._cache.RunOnceAsync("other", single.Apply, default)).Replayed);
        Assert.False((await single._cache.RunOnceAsync("k", single.Apply, default)).Replayed);
        Assert.Equal(1, single._cache.Count);
    }

    [Fact]
    public async Task A_restore_of_as_many_keys_as_the_cache_holds_remembers_them_all()
    {
        int remembered = _cache.Remember(
            [new RememberedAnswer("a", 3, Applied), new RememberedAnswer("b", 2, Applied), new RememberedAnswer("c", 1, Applied)],
            TimeSpan.Zero);

        Assert.Equal(3, remembered);
        Assert.Equal(3, _cache.Count);
        foreach (string key in new[] { "a", "b", "c" })
        {
            Assert.True((await _cache.RunOnceAsync(key, Apply, default)).Replayed);
        }

        Assert.Equal(0, _applied);
    }

    /// <summary>
    /// With API keys the gateway scopes each key to its credential (17 characters of hash and a colon before it), so a
    /// sender's key of 112 to 128 characters, valid on the wire, is held as more than 128. Remember checked the held
    /// key against the wire rule and dropped it: a retry after the restart was applied a second time.
    /// </summary>
    [Fact]
    public async Task A_restored_key_scoped_to_a_credential_is_remembered_even_when_the_senders_key_was_128_characters()
    {
        string scoped = "0123456789ABCDEF:" + new string('k', IdempotencyCache.MaxKeyLength);

        int remembered = _cache.Remember([new RememberedAnswer(scoped, 1, Applied)], TimeSpan.Zero);

        Assert.Equal(1, remembered);
        Assert.True((await _cache.RunOnceAsync(scoped, Apply, default)).Replayed);
        Assert.Equal(0, _applied);
    }

    /// <summary>
    /// A snapshot whose checksum holds may still carry any age (an older writer, a hand edit): an age beyond what a
    /// TimeSpan holds threw OverflowException out of the restore, which stopped every start the same way.
    /// </summary>
    [Theory]
    [InlineData(1e20)]
    [InlineData(9.2e11)]
    [InlineData(double.MaxValue)]
    public async Task A_restored_key_of_an_age_no_timespan_holds_is_forgotten_and_the_others_are_remembered(double ageSeconds)
    {
        int remembered = _cache.Remember(
            [new RememberedAnswer("ancient", ageSeconds, Applied), new RememberedAnswer("recent", 1, Applied)],
            TimeSpan.FromDays(10_000_000));

        Assert.Equal(0, remembered);
        remembered = _cache.Remember(
            [new RememberedAnswer("ancient", ageSeconds, Applied), new RememberedAnswer("recent", 1, Applied)],
            TimeSpan.Zero);
        Assert.Equal(1, remembered);
        Assert.True((await _cache.RunOnceAsync("recent", Apply, default)).Replayed);
        Assert.False((await _cache.RunOnceAsync("ancient", Apply, default)).Replayed);
    }

    [Theory]
    [InlineData("0f8fad5b-d9cb-469f-a165-70867728950e", true)]
    [InlineData("batch:42", true)]
    [InlineData("", false)]
    [InlineData("has space", false)]
    [InlineData("caf\u00e9", false)]
    public void Keys_are_one_to_128_visible_ascii_characters(string key, bool valid)
    {
        Assert.Equal(valid, IdempotencyCache.IsValidKey(key));
        Assert.False(IdempotencyCache.IsValidKey(new string('k', IdempotencyCache.MaxKeyLength + 1)));
    }

    [Fact]
    public async Task A_snapshot_taken_once_a_keyed_body_has_applied_its_records_holds_its_key_though_the_body_has_not_finished()
    {
        var rest = new TaskCompletionSource<IngestResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        var run = _cache.RunOnceAsync(
            "k1",
            async ticket =>
            {
                await ticket.ApplyAsync(this, static test => test.ApplyNow(), default);
                // The rest of the request, such as writing the answer, is still to come.
                return await rest.Task;
            },
            default);

        var keys = _cache.CaptureWithAnswers(answered => answered.ConvertAll(answer => answer.Key));

        Assert.Equal(1, _applied);
        Assert.Equal(["k1"], keys);
        rest.SetResult(Applied);
        Assert.False((await run).Replayed);
    }

    [Fact]
    public async Task A_keyed_body_waits_while_a_snapshot_is_captured_and_is_not_in_it()
    {
        using var capturing = new ManualResetEventSlim();
        using var release = new ManualResetEventSlim();
        var capture = Task.Run(() => _cache.CaptureWithAnswers(answered =>
        {
            capturing.Set();
            release.Wait();
            return answered.Count;
        }));
        capturing.Wait();

        Task<(IngestResult Result, bool Replayed)> run;
        int appliedDuringCapture;
        try
        {
            run = _cache.RunOnceAsync("k1", Apply, default);
            await Task.Delay(TimeSpan.FromMilliseconds(200));
            appliedDuringCapture = Volatile.Read(ref _applied);
        }
        finally
        {
            release.Set();
        }

        Assert.Equal(0, appliedDuringCapture);
        Assert.Equal(0, await capture);
        Assert.False((await run).Replayed);
        Assert.Equal(1, _applied);
    }

    [Fact]
    public async Task A_keyed_body_whose_sender_leaves_while_a_snapshot_is_captured_is_not_applied_and_its_retry_is()
    {
        using var capturing = new ManualResetEventSlim();
        using var release = new ManualResetEventSlim();
        using var senderLeaves = new CancellationTokenSource();
        var capture = Task.Run(() => _cache.CaptureWithAnswers(answered =>
        {
            capturing.Set();
            release.Wait();
            return answered.Count;
        }));
        capturing.Wait();

        try
        {
            var abandoned = _cache.RunOnceAsync("k1", ticket => ticket.ApplyAsync(this, static test => test.ApplyNow(), senderLeaves.Token).AsTask(), senderLeaves.Token);
            await senderLeaves.CancelAsync();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => abandoned);
        }
        finally
        {
            release.Set();
        }
        await capture;
        var retry = await _cache.RunOnceAsync("k1", Apply, default);

        Assert.False(retry.Replayed);
        Assert.Equal(1, _applied);
    }

    private IngestResult ApplyNow()
    {
        Interlocked.Increment(ref _applied);
        return Applied;
    }

    private sealed class ManualTime : TimeProvider
    {
        private long _ticks;

        public override long TimestampFrequency => TimeSpan.TicksPerSecond;

        public override long GetTimestamp() => Interlocked.Read(ref _ticks);

        public void Advance(TimeSpan by) => Interlocked.Add(ref _ticks, by.Ticks);
    }
}
