using System.Globalization;
using MetricCollector.Client.Delivery;
using MetricCollector.Client.Series;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace MetricCollector.Client;

/// <summary>
/// Pushes a component's metrics to the collector's <c>POST /record</c>. Resolve a series once and keep it
/// (<c>var allocations = client.Counter("sandbox_allocations_total", labels)</c>): a definition the collector would
/// refuse (a bad name or label name, unordered buckets) throws <see cref="ArgumentException"/> there, at once. Recording
/// on it never blocks and never throws: values wait in memory and a background sender posts them in batches, each with
/// an <c>Idempotency-Key</c> so that a retry is never counted twice.
/// </summary>
public sealed class MetricCollectorClient : IAsyncDisposable, IDisposable
{
    /// <summary>The name of the <see cref="HttpClient"/> the client sends with; configure it to add handlers.</summary>
    public const string HttpClientName = "MetricCollector.Client";

    private readonly MetricCollectorClientOptions _options;
    private readonly ClientCounters _counters = new();
    private readonly ObservationBuffer _buffer;
    private readonly SeriesRegistry _registry;
    private readonly BatchSender _sender;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _loop;
    private int _stopped;

    // Completes when the first StopAsync has: a second call (a DisposeAsync during the host's stop) waits for it, and
    // disposes nothing under it (a review saw the stop's flush throw ObjectDisposedException).
    private readonly TaskCompletionSource _stop = new(TaskCreationOptions.RunContinuationsAsynchronously);

    internal MetricCollectorClient(IOptions<MetricCollectorClientOptions> options, IHttpClientFactory httpClientFactory, ILogger<MetricCollectorClient> logger, TimeProvider time)
    {
        _options = options.Value;
        _logger = logger;
        _time = time;
        _counters.FirstRecordedAfterStop = RecordedAfterStop;
        _buffer = new ObservationBuffer(_options.ObservationCapacity, _counters);
        _registry = new SeriesRegistry(_counters, _buffer);
        _sender = new BatchSender(_options, httpClientFactory, new BatchWriter(_registry, _buffer, _options.BatchSize, _options.MaxBatchBytes, _counters), _counters, logger, time);
        _loop = Task.Run(() => RunAsync(_stopping.Token));
    }

    /// <summary>What was sent, refused, retried and dropped so far.</summary>
    public MetricCollectorClientStatistics Statistics => _counters.Snapshot();

    /// <summary>The counter series <paramref name="name"/> with <paramref name="labels"/>; the same handle for the same arguments.</summary>
    /// <param name="name">The metric name; the collector exposes counters with a <c>_total</c> suffix.</param>
    /// <param name="labels">Label names and values, or null.</param>
    /// <param name="help">The help text, taken by the collector from the metric's first record.</param>
    /// <returns>The series, to keep and call <see cref="CounterSeries.Inc()"/> on.</returns>
    /// <exception cref="ArgumentException">The name, a label or the help breaks the collector's rules, or the metric was defined differently before.</exception>
    public CounterSeries Counter(string name, IReadOnlyDictionary<string, string>? labels = null, string? help = null) =>
        _registry.Counter(name, labels, help);

    /// <summary>The gauge series <paramref name="name"/> with <paramref name="labels"/>; the same handle for the same arguments.</summary>
    /// <param name="name">The metric name.</param>
    /// <param name="labels">Label names and values, or null.</param>
    /// <param name="help">The help text, taken by the collector from the metric's first record.</param>
    /// <returns>The series, to keep and call <see cref="GaugeSeries.Set"/> on.</returns>
    /// <exception cref="ArgumentException">The name, a label or the help breaks the collector's rules, or the metric was defined differently before.</exception>
    public GaugeSeries Gauge(string name, IReadOnlyDictionary<string, string>? labels = null, string? help = null) =>
        _registry.Gauge(name, labels, help);

    /// <summary>The histogram series <paramref name="name"/> with <paramref name="labels"/>; the same handle for the same arguments.</summary>
    /// <param name="name">The metric name.</param>
    /// <param name="buckets">Strictly increasing upper bounds, each &gt;= 0, or null for the collector's default; fixed by the metric's first definition (null takes those).</param>
    /// <param name="labels">Label names and values, or null.</param>
    /// <param name="help">The help text, taken by the collector from the metric's first record.</param>
    /// <returns>The series, to keep and call <see cref="ObservedSeries.Observe"/> or <see cref="ObservedSeries.Measure"/> on.</returns>
    /// <exception cref="ArgumentException">The name, a label, the buckets or objectives, or the help break the collector's rules, or the metric was defined differently before.</exception>
    public HistogramSeries Histogram(string name, IReadOnlyList<double>? buckets = null, IReadOnlyDictionary<string, string>? labels = null, string? help = null) =>
        _registry.Histogram(name, buckets, labels, help);

    /// <summary>The summary series <paramref name="name"/> with <paramref name="labels"/>; the same handle for the same arguments.</summary>
    /// <param name="name">The metric name.</param>
    /// <param name="objectives">The quantiles to expose, or null for the collector's default; fixed by the metric's first definition (null takes those).</param>
    /// <param name="labels">Label names and values, or null.</param>
    /// <param name="help">The help text, taken by the collector from the metric's first record.</param>
    /// <returns>The series, to keep and call <see cref="ObservedSeries.Observe"/> or <see cref="ObservedSeries.Measure"/> on.</returns>
    /// <exception cref="ArgumentException">The name, a label, the buckets or objectives, or the help break the collector's rules, or the metric was defined differently before.</exception>
    public SummarySeries Summary(string name, IReadOnlyList<SummaryObjective>? objectives = null, IReadOnlyDictionary<string, string>? labels = null, string? help = null) =>
        _registry.Summary(name, objectives, labels, help);

    /// <summary>
    /// Forgets a series the component is done with (a sandbox that ended): the client stops holding and refreshing it.
    /// What was recorded on it before is still sent; a value recorded on the handle afterwards is counted as dropped;
    /// asking for the same series again makes a new one. The collector keeps the series until its
    /// <c>SeriesTimeToLive</c> passes or an operator deletes it.
    /// </summary>
    /// <param name="series">The handle <see cref="Counter"/> returned.</param>
    /// <returns>True when the series was removed; false when it was removed before or is not this client's.</returns>
    public bool Remove(CounterSeries series)
    {
        ArgumentNullException.ThrowIfNull(series);
        return _registry.Remove(series.Definition, series);
    }

    /// <summary>Forgets a gauge series, as <see cref="Remove(CounterSeries)"/> does a counter.</summary>
    /// <param name="series">The handle <see cref="Gauge"/> returned.</param>
    /// <returns>True when the series was removed; false when it was removed before or is not this client's.</returns>
    public bool Remove(GaugeSeries series)
    {
        ArgumentNullException.ThrowIfNull(series);
        return _registry.Remove(series.Definition, series);
    }

    /// <summary>Forgets a histogram or summary series, as <see cref="Remove(CounterSeries)"/> does a counter.</summary>
    /// <param name="series">The handle <see cref="Histogram"/> or <see cref="Summary"/> returned.</param>
    /// <returns>True when the series was removed; false when it was removed before or is not this client's.</returns>
    public bool Remove(ObservedSeries series)
    {
        ArgumentNullException.ThrowIfNull(series);
        return _registry.Remove(series.Definition, series);
    }

    /// <summary>
    /// Sends what was recorded so far without waiting for the next interval. Completes when it was delivered, or when a
    /// transient failure postponed it to the background sender; never throws for a collector's failure.
    /// </summary>
    /// <param name="cancellationToken">Stops waiting; what is unsent stays buffered.</param>
    /// <returns>True when nothing is left waiting; false when something is, or when the client has stopped.</returns>
    public async Task<bool> FlushAsync(CancellationToken cancellationToken = default)
    {
        if (Volatile.Read(ref _stopped) == 1)
        {
            return false;
        }

        try
        {
            return await _sender.FlushAsync(cancellationToken);
        }
        catch (ObjectDisposedException) when (Volatile.Read(ref _stopped) == 1)
        {
            // Disposed between the check above and the flush (a review's racing threads): stopped, as the check says.
            return false;
        }
    }

    /// <summary>
    /// Stops the background sender and sends what is buffered, for at most
    /// <see cref="MetricCollectorClientOptions.ShutdownTimeout"/>; what is left then is counted as dropped and logged.
    /// Later values are dropped. Calling it again waits for the first call to finish, and does nothing else.
    /// </summary>
    /// <param name="cancellationToken">Cuts the final flush shorter than the timeout (the host's own shutdown deadline).</param>
    /// <returns>A task that completes when the client has stopped.</returns>
    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
        if (Interlocked.Exchange(ref _stopped, 1) == 1)
        {
            await _stop.Task;
            return;
        }

        try
        {
            await StopOnceAsync(cancellationToken);
        }
        finally
        {
            _stop.TrySetResult();
        }
    }

    private async Task StopOnceAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync();
        await _loop;
        _buffer.Close();
        using var deadline = new CancellationTokenSource(_options.ShutdownTimeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(deadline.Token, cancellationToken);
        string? reason = null;
        try
        {
            if (!await _sender.FlushAsync(linked.Token))
            {
                // Given up at once (an open circuit) or after the retries: the deadline is not why.
                reason = _sender.WaitReason;
            }
        }
        catch (OperationCanceledException) when (linked.IsCancellationRequested)
        {
            // A deadline passed: what is unsent is counted below.
            string last = _sender.WaitReason is { } problem ? ", " + problem : "";
            reason = deadline.IsCancellationRequested
                ? $"within the shutdown deadline of {_options.ShutdownTimeout.TotalSeconds.ToString(CultureInfo.InvariantCulture)} s{last}"
                : $"before the host's shutdown deadline{last}";
        }

        // From here a counter increment or gauge value is dropped and counted where it is recorded.
        _counters.MarkStopped();
        long undelivered = await _sender.AbandonAsync();
        if (undelivered > 0)
        {
            DeliveryLog.UndeliveredAtShutdown(_logger, undelivered, reason ?? "because they were recorded while the client stopped");
        }
    }

    /// <summary>Stops as <see cref="StopAsync"/> does, flushing within the shutdown timeout.</summary>
    /// <returns>A task that completes when the client has stopped.</returns>
    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _stopping.Dispose();
        _sender.Dispose();
    }

    /// <summary>
    /// Stops as <see cref="DisposeAsync"/> does, blocking until the final flush is done: for a container disposed with
    /// <c>Dispose()</c> (<c>using var provider = services.BuildServiceProvider()</c>), which refused to dispose a
    /// client that had only <see cref="DisposeAsync"/>.
    /// </summary>
    // On the thread pool: blocking on the awaits here, none of which leaves the caller's SynchronizationContext, hung a
    // thread that has one (a UI thread) for ever.
    public void Dispose() => Task.Run(() => DisposeAsync().AsTask()).GetAwaiter().GetResult();

    /// <summary>Logs, once, that a value came after the stop: on the caller's thread, which recording never throws at.</summary>
    private void RecordedAfterStop()
    {
        try
        {
            DeliveryLog.RecordedAfterStop(_logger);
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            // A logger provider that throws (one disposed with the host, say) must not reach the caller: Dropped still counts.
        }
    }

    private async Task RunAsync(CancellationToken stopping)
    {
        using var timer = new PeriodicTimer(_options.FlushInterval, _time);
        try
        {
            while (await timer.WaitForNextTickAsync(stopping))
            {
                try
                {
                    await _sender.FlushAsync(stopping);
                }
                catch (Exception exception) when (exception is not OperationCanceledException)
                {
                    // A send that fails is caught and logged where it happens: what reaches here failed outside one.
                    DeliveryLog.FlushFailed(_logger, exception);
                }
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // Stopping: the final flush is StopAsync's.
        }
    }
}
