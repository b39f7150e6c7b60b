using System.Net.Http.Headers;
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
/// the observation buffer drops its oldest values.
/// </summary>
internal sealed class BatchSender : IDisposable
{
    private const string IdempotencyKeyHeader = "Idempotency-Key";
    private static readonly TimeSpan WarningInterval = TimeSpan.FromMinutes(1);
    private static readonly MediaTypeHeaderValue Json = new("application/json");

    private readonly Queue<PendingBatch> _pending = new();
    private readonly SemaphoreSlim _flushLock = new(1, 1);

    // Series (by identity) and reasons, and batch-level problems, already logged as refused: each is logged once, not
    // on every flush.
    private readonly HashSet<(SeriesDefinition Series, string Reason)> _recordRefusalsLogged = [];
    private readonly HashSet<(int Status, string Type)> _batchRefusalsLogged = [];
    private readonly Uri _recordUri;
    private readonly IHttpClientFactory _httpClientFactory;
    private readonly BatchWriter _writer;
    private readonly ClientCounters _counters;
    private readonly ILogger _logger;
    private readonly ResiliencePipeline<HttpResponseMessage> _pipeline;
    private readonly WarningGate _delayedWarnings;
    private readonly WarningGate _dropWarnings;
    private long _dropsReported; // read and written under _flushLock

    public BatchSender(MetricCollectorClientOptions options, IHttpClientFactory httpClientFactory, BatchWriter writer, ClientCounters counters, ILogger logger, TimeProvider time)
    {
        var endpoint = options.Endpoint!.AbsoluteUri;
        _recordUri = new Uri(new Uri(endpoint.EndsWith('/') ? endpoint : endpoint + "/"), "record");
        _httpClientFactory = httpClientFactory;
        _writer = writer;
        _counters = counters;
        _logger = logger;
        _pipeline = DeliveryPipeline.Create(options, counters, logger, time);
        _delayedWarnings = new WarningGate(time, WarningInterval);
        _dropWarnings = new WarningGate(time, WarningInterval);
    }

    /// <summary>Sends what waits, then everything recorded since; stops at the first batch that cannot be delivered now.</summary>
    /// <returns>True when nothing is left waiting.</returns>
    public async Task<bool> FlushAsync(CancellationToken cancellationToken)
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

                _writer.Drain().ForEach(_pending.Enqueue);
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

    /// <summary>Gives up on what is still waiting or recorded (the shutdown deadline passed) and counts it as dropped.</summary>
    /// <returns>How many values were given up.</returns>
    public async Task<long> AbandonAsync()
    {
        await _flushLock.WaitAsync();
        try
        {
            _writer.Drain().ForEach(_pending.Enqueue);
            long values = _pending.Sum(batch => (long)batch.Values);
            _pending.Clear();
            _counters.CountDropped(values);
            return values;
        }
        finally
        {
            _flushLock.Release();
        }
    }

    public void Dispose() => _flushLock.Dispose();

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
                Delayed($"{(int)response.StatusCode} {response.ReasonPhrase}");
                return false;
            }

            Settle(batch, await CollectorAnswer.ReadAsync(response, batch.Series.Count, cancellationToken));
            return true;
        }
        catch (Exception exception) when (exception is HttpRequestException or TimeoutRejectedException or BrokenCircuitException)
        {
            Delayed(exception.Message);
            return false;
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            DeliveryLog.SendFailed(_logger, exception);
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
        var client = _httpClientFactory.CreateClient(MetricCollectorClient.HttpClientName);
        return await client.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken);
    }

    /// <summary>Counts a final answer; what it refused is logged (once per series and reason) and never sent again, 207 included.</summary>
    private void Settle(PendingBatch batch, CollectorAnswer answer)
    {
        _counters.CountSent(answer.Accepted);
        _counters.CountRejected(answer.Rejected);
        if (answer.Rejected == 0)
        {
            return;
        }

        bool itemized = false;
        foreach (var error in answer.Errors)
        {
            if (error.Index is int index && index >= 0 && index < batch.Series.Count)
            {
                itemized = true;
                SeriesDefinition series = batch.Series[index];
                if (_recordRefusalsLogged.Add((series, error.Reason)))
                {
                    DeliveryLog.RecordRefused(_logger, series.ToString(), error.Reason, error.Field, error.Detail);
                }
            }
        }

        string type = answer.Type ?? "";
        if (!itemized && _batchRefusalsLogged.Add(((int)answer.Status, type)))
        {
            DeliveryLog.BatchRefused(_logger, batch.Series.Count, (int)answer.Status, type, answer.Detail ?? "");
        }
    }

    private void Delayed(string problem)
    {
        if (_delayedWarnings.TryPass())
        {
            DeliveryLog.DeliveryDelayed(_logger, problem, _pending.Count);
        }
    }

    private void ReportDrops()
    {
        long total = _counters.Dropped;
        long reported = _dropsReported;
        if (total > reported && _dropWarnings.TryPass())
        {
            _dropsReported = total;
            DeliveryLog.ValuesDropped(_logger, total - reported, total);
        }
    }
}
