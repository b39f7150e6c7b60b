using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using MetricCollector.Client.Series;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.CircuitBreaker;
using Polly.Timeout;

namespace MetricCollector.Client.Delivery;

/// <summary>
/// Posts batches to the collector, one at a time and in order. A batch that fails transiently (after the pipeline's
/// retries, or with the circuit open) stays at the head of the queue with its key and is tried again on the next flush;
/// nothing new is taken from the buffer meanwhile, so an outage grows no queue: counters keep summing in place and
/// the observation buffer drops its oldest values. A final refusal is never sent again: each of its records counts as
/// rejected, whatever the answer's body says, and is logged at most once a minute per reason (naming one series and
/// counting the others), or, for a batch refused whole, per status and type.
/// </summary>
internal sealed class BatchSender : IDisposable
{
    private const string IdempotencyKeyHeader = "Idempotency-Key";
    private static readonly TimeSpan WarningInterval = TimeSpan.FromMinutes(1);
    private static readonly MediaTypeHeaderValue Json = new("application/json");

    private readonly Queue<PendingBatch> _pending = new();
    private readonly SemaphoreSlim _flushLock = new(1, 1);

    // Records refused one by one, by reason and whether for their definition: a collector at its series limit may
    // refuse a record of each of 90,000 series in one flush, so these are tallied and logged at most once a minute each,
    // naming one series and counting the rest.
    private readonly Dictionary<(string Reason, bool Definition), RefusalTally> _recordRefusals = [];

    // Batches refused whole, by status and type: a wrong key refuses every batch, so these are tallied and logged at
    // most once a minute each.
    private readonly Dictionary<(int Status, string Type), RefusalTally> _batchRefusals = [];
    private readonly long[] _dropsReported = new long[ClientCounters.DropReasons];
    private readonly Uri _recordUri;
    private readonly string? _apiKey;
    private readonly TimeProvider _time;
    private readonly IHttpClientFactory _httpClientFactory;
    private readonly BatchWriter _writer;
    private readonly ClientCounters _counters;
    private readonly ILogger _logger;
    private readonly ResiliencePipeline<HttpResponseMessage> _pipeline;
    private readonly WarningGate _delayedWarnings;
    private readonly WarningGate _dropWarnings;
    private readonly WarningGate _failureErrors;

    // Cancelled when the client's stop gives up on delivery: a caller's flush still retrying holds the flush lock, which
    // the stop needs to count what is left (a review saw a 0.5 s ShutdownTimeout last 8 s, a 1 s host deadline 21 s).
    private readonly CancellationTokenSource _abandoning = new();

    private readonly TimeSpan _refreshInterval;

    // The client of the last send (the first made here): the factory refuses new ones once the container that owns it
    // is being disposed, which is when a container without a host stops the client and its final flush is sent.
    private HttpClient _lastClient;

    // When unchanged series were last sent again (the first drain sends only what was recorded); under the flush lock.
    private long _lastRefresh;

    // Why what waits was not delivered, for the shutdown warning; the last failure before the circuit opened.
    private volatile string? _waitReason;
    private volatile string? _circuitProblem;

    public BatchSender(MetricCollectorClientOptions options, IHttpClientFactory httpClientFactory, BatchWriter writer, ClientCounters counters, ILogger logger, TimeProvider time)
    {
        var endpoint = options.Endpoint!.AbsoluteUri;
        _recordUri = new Uri(new Uri(endpoint.EndsWith('/') ? endpoint : endpoint + "/"), "record");
        _httpClientFactory = httpClientFactory;
        _lastClient = httpClientFactory.CreateClient(MetricCollectorClient.HttpClientName);
        _writer = writer;
        _counters = counters;
        _logger = logger;
        _apiKey = options.ApiKey;
        _time = time;
        _refreshInterval = options.RefreshInterval;
        _lastRefresh = time.GetTimestamp();
        _pipeline = DeliveryPipeline.Create(options, counters, logger, time, problem => _circuitProblem = problem);
        _delayedWarnings = new WarningGate(time, WarningInterval);
        _dropWarnings = new WarningGate(time, WarningInterval);
        _failureErrors = new WarningGate(time, WarningInterval);
    }

    /// <summary>Sends what waits, then everything recorded since; stops at the first batch that cannot be delivered now.</summary>
    /// <returns>True when nothing is left waiting; false too when the client's stop gave up on delivery meanwhile.</returns>
    public async Task<bool> FlushAsync(CancellationToken cancellationToken)
    {
        using var flush = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _abandoning.Token);
        try
        {
            return await FlushLockedAsync(flush.Token);
        }
        catch (OperationCanceledException) when (_abandoning.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }

    private async Task<bool> FlushLockedAsync(CancellationToken cancellationToken)
    {
        await _flushLock.WaitAsync(cancellationToken);
        try
        {
            try
            {
                // What waits goes first, in order; only then is anything new taken from the buffer.
                if (!await SendPendingAsync(cancellationToken))
                {
                    return false;
                }

                _writer.Drain(RefreshDue()).ForEach(_pending.Enqueue);
                return await SendPendingAsync(cancellationToken);
            }
            finally
            {
                // Under the lock: only one flush at a time reads and moves _dropsReported.
                ReportDrops();
            }
        }
        finally
        {
            _flushLock.Release();
        }
    }

    /// <summary>
    /// Gives up on what is still waiting or recorded (the shutdown deadline passed) and counts it as dropped; a flush
    /// still in progress (a caller's) is cancelled first and answers false.
    /// </summary>
    /// <returns>How many values were given up.</returns>
    public async Task<long> AbandonAsync()
    {
        await _abandoning.CancelAsync();
        await _flushLock.WaitAsync();
        try
        {
            _writer.Drain().ForEach(_pending.Enqueue);
            long values = _pending.Sum(batch => (long)batch.Values);
            _pending.Clear();
            _counters.CountDropped(DropReason.Stopped, values);
            return values;
        }
        finally
        {
            _flushLock.Release();
        }
    }

    /// <summary>Whether unchanged series are to be sent again now (every <c>RefreshInterval</c>); starts the next interval when so.</summary>
    private bool RefreshDue()
    {
        if (_refreshInterval <= TimeSpan.Zero)
        {
            return false;
        }

        long now = _time.GetTimestamp();
        if (_time.GetElapsedTime(_lastRefresh, now) < _refreshInterval)
        {
            return false;
        }

        _lastRefresh = now;
        return true;
    }

    /// <summary>Why what still waits was not delivered (after a flush returned false), or null when nothing failed.</summary>
    public string? WaitReason => _waitReason;

    public void Dispose()
    {
        _flushLock.Dispose();
        _abandoning.Dispose();
    }

    private async Task<bool> SendPendingAsync(CancellationToken cancellationToken)
    {
        while (_pending.TryPeek(out var batch))
        {
            if (!await TrySendAsync(batch, cancellationToken))
            {
                return false;
            }

            _pending.Dequeue();
        }

        return true;
    }

    private async Task<bool> TrySendAsync(PendingBatch batch, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await _pipeline.ExecuteAsync(
                static (state, token) => state.Sender.PostAsync(state.Batch, token),
                (Sender: this, Batch: batch),
                cancellationToken);
            if (CollectorAnswer.IsTransient(response.StatusCode))
            {
                string answer = $"{(int)response.StatusCode} {response.ReasonPhrase}";
                _waitReason = $"because the collector kept answering {answer}";
                Delayed(answer);
                return false;
            }

            Settle(batch, await CollectorAnswer.ReadAsync(response, batch.Series.Count, cancellationToken));
            _waitReason = null;
            return true;
        }
        catch (BrokenCircuitException exception)
        {
            // No attempt was made: the circuit's own message ("the circuit is now open") says nothing of why.
            _waitReason = $"because the circuit to the collector was open after repeated failures (last: {_circuitProblem ?? exception.Message}), so no attempt was made";
            Delayed(exception.Message);
            return false;
        }
        catch (Exception exception) when (exception is HttpRequestException or TimeoutRejectedException)
        {
            _waitReason = $"because the collector could not be reached ({exception.Message})";
            Delayed(exception.Message);
            return false;
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            _waitReason = $"because sending failed unexpectedly ({exception.Message})";
            // At most once a minute: a failing handler (a token provider, say) fails every flush, every second.
            if (_failureErrors.TryPass())
            {
                DeliveryLog.SendFailed(_logger, exception);
            }

            return false;
        }
    }

    private async ValueTask<HttpResponseMessage> PostAsync(PendingBatch batch, CancellationToken cancellationToken)
    {
        // A request message can be sent once: each attempt builds its own around the same body and key.
        using var content = new ReadOnlyMemoryContent(batch.Body);
        content.Headers.ContentType = Json;
        using var request = new HttpRequestMessage(HttpMethod.Post, _recordUri) { Content = content };
        request.Headers.TryAddWithoutValidation(IdempotencyKeyHeader, batch.Key);
        if (_apiKey is not null)
        {
            // On the request, so it wins over a default header set on the HttpClient.
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _apiKey);
        }
        HttpClient client;
        try
        {
            // A new client each time, so that the factory's handler rotation (DNS changes) reaches the sender.
            _lastClient = client = _httpClientFactory.CreateClient(MetricCollectorClient.HttpClientName);
        }
        catch (ObjectDisposedException)
        {
            // Disposed with the container, which disposes the client after it: once, for the final flush.
            client = _lastClient;
        }

        return await client.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken);
    }

    /// <summary>
    /// Counts a final answer: what it applied as sent, every other record of the batch as rejected (a refusal of the
    /// whole request, such as 401, 403 or 413, says <c>"rejected": 0</c> or nothing, yet refuses them all). What was
    /// refused is logged and never sent again, 207 included; a series refused for its definition is withheld from then
    /// on, one refused for anything else (a limit) sits out a growing number of refreshes
    /// (<see cref="SeriesDefinition.PauseRefreshAfterLimit"/>).
    /// </summary>
    private void Settle(PendingBatch batch, CollectorAnswer answer)
    {
        int records = batch.Series.Count;
        int accepted = (int)answer.Status is >= 200 and < 300 ? Math.Clamp(answer.Accepted, 0, records) : 0;
        _counters.CountSent(accepted);
        _counters.CountRejected(records - accepted);
        if (accepted == records)
        {
            foreach (var series in batch.Series)
            {
                series.ResumeRefresh();
            }

            return;
        }

        // Per reason: the first refused record (its series named in the warning) and how many there were.
        Dictionary<(string Reason, bool Definition), (SeriesDefinition Series, RefusedRecord Error, int Records)>? refused = null;
        bool[]? refusedForLimit = null;
        foreach (var error in answer.Errors)
        {
            if (error.Index is int index && index >= 0 && index < records)
            {
                var series = batch.Series[index];
                bool definition = error.RefusesDefinition;
                if (definition)
                {
                    series.Withhold();
                }
                else if (!(refusedForLimit ??= new bool[records])[index])
                {
                    // Once per record, however many errors name it.
                    refusedForLimit[index] = true;
                    series.PauseRefreshAfterLimit();
                }

                refused ??= [];
                var kind = (error.Reason, definition);
                refused[kind] = refused.TryGetValue(kind, out var first) ? first with { Records = first.Records + 1 } : (series, error, 1);
            }
        }

        for (int index = 0; index < records; index++)
        {
            if (refusedForLimit is null || !refusedForLimit[index])
            {
                batch.Series[index].ResumeRefresh();
            }
        }

        if (refused is null)
        {
            BatchRefused(records - accepted, answer);
            return;
        }

        foreach (var ((_, definition), (series, error, count)) in refused)
        {
            RecordsRefused(series, error, definition, count);
        }
    }

    private void RecordsRefused(SeriesDefinition series, RefusedRecord error, bool definition, int records)
    {
        var kind = (error.Reason, definition);
        if (!_recordRefusals.TryGetValue(kind, out var tally))
        {
            tally = new RefusalTally(new WarningGate(_time, WarningInterval));
            _recordRefusals[kind] = tally;
        }

        tally.Records += records;
        if (!tally.Gate.TryPass())
        {
            return;
        }

        string detail = DeliveryLog.Sentence(error.Detail);
        string others = tally.Records > 1
            ? $"{(tally.Records - 1).ToString(CultureInfo.InvariantCulture)} more records were refused for the same reason since the last report. "
            : "";
        if (definition)
        {
            DeliveryLog.SeriesRefused(_logger, series.ToString(), error.Reason, error.Field, detail, others);
        }
        else
        {
            DeliveryLog.RecordRefused(_logger, series.ToString(), error.Reason, error.Field, detail, others);
        }

        tally.Records = 0;
    }

    private void BatchRefused(int records, CollectorAnswer answer)
    {
        int status = (int)answer.Status;
        var kind = (status, answer.Type ?? "");
        if (!_batchRefusals.TryGetValue(kind, out var tally))
        {
            tally = new RefusalTally(new WarningGate(_time, WarningInterval));
            _batchRefusals[kind] = tally;
        }

        tally.Records += records;
        tally.Batches++;
        if (tally.Gate.TryPass())
        {
            DeliveryLog.BatchRefused(_logger, tally.Records, tally.Batches, status, kind.Item2, DeliveryLog.Sentence(answer.Detail), LikelyCause(answer.Status));
            tally.Records = 0;
            tally.Batches = 0;
        }
    }

    /// <summary>What a component author should check for a refusal of the whole request, ending in a space; or "".</summary>
    private static string LikelyCause(HttpStatusCode status) => status switch
    {
        HttpStatusCode.Unauthorized =>
            "Likely cause: the client sends no API key, or one the collector does not know; set MetricCollectorClient:ApiKey to this component's key. ",
        HttpStatusCode.Forbidden =>
            "Likely cause: the API key lacks the Record role, or is bound to another component than the records' componentId label. ",
        HttpStatusCode.RequestEntityTooLarge =>
            "Likely cause: MetricCollectorClient:BatchSize is above the collector's MaxBatchSize, or a batch is over its MaxBodyBytes. ",
        _ => "",
    };

    private void Delayed(string problem)
    {
        if (_delayedWarnings.TryPass())
        {
            DeliveryLog.DeliveryDelayed(_logger, problem, _pending.Count);
        }
    }

    /// <summary>Logs, at most once a minute, the values dropped since the last report, by reason.</summary>
    private void ReportDrops()
    {
        Span<long> now = stackalloc long[ClientCounters.DropReasons];
        long total = 0;
        long unreported = 0;
        for (int reason = 0; reason < now.Length; reason++)
        {
            now[reason] = _counters.DroppedFor((DropReason)reason);
            total += now[reason];
            unreported += now[reason] - _dropsReported[reason];
        }

        if (unreported == 0 || !_dropWarnings.TryPass())
        {
            return;
        }

        var reasons = new StringBuilder();
        for (int reason = 0; reason < now.Length; reason++)
        {
            long count = now[reason] - _dropsReported[reason];
            _dropsReported[reason] = now[reason];
            if (count > 0)
            {
                reasons.Append(reasons.Length == 0 ? "" : ", ").Append(count.ToString(CultureInfo.InvariantCulture)).Append(' ').Append(Describe((DropReason)reason, count));
            }
        }

        DeliveryLog.ValuesDropped(_logger, unreported, total, reasons.ToString());
    }

    private static string Describe(DropReason reason, long count) => reason switch
    {
        DropReason.NegativeIncrement => count == 1 ? "negative counter increment (counters never decrease)" : "negative counter increments (counters never decrease)",
        DropReason.NegativeObservation => count == 1 ? "negative histogram or summary observation (observations are never negative)" : "negative histogram or summary observations (observations are never negative)",
        DropReason.NotFinite => "not finite (NaN or infinity)",
        DropReason.Overflow => count == 1
            ? "counter record whose increments within one flush added up beyond the largest finite double (about 1.8e308)"
            : "counter records whose increments within one flush added up beyond the largest finite double (about 1.8e308)",
        DropReason.BufferFull => "pushed out of the full observation buffer (ObservationCapacity), oldest first",
        DropReason.Removed => "recorded on a series after it was removed",
        _ => "recorded after the client stopped",
    };

    /// <summary>Records (and batches) of one kind of refusal since its last warning.</summary>
    private sealed class RefusalTally(WarningGate gate)
    {
        public WarningGate Gate { get; } = gate;

        public long Records { get; set; }

        public long Batches { get; set; }
    }
}
