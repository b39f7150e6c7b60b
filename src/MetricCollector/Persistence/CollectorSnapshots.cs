using MetricCollector.Collector;
using MetricCollector.Recording;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Prometheus;

namespace MetricCollector.Persistence;

/// <summary>
/// Saves and restores the pushed series at <see cref="MetricCollectorOptions.SnapshotPath"/>. A snapshot that cannot
/// be read is renamed aside (<c>.corrupt-&lt;time&gt;</c>), reported and counted; the collector then starts empty.
/// </summary>
internal sealed partial class CollectorSnapshots : IDisposable
{
    private readonly PrometheusMetricCollector _collector;
    private readonly string? _path;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Counter.Child _written;
    private readonly Counter.Child _writeFailed;
    private readonly Counter _restores;
    private readonly Gauge _restoredSeries;
    private readonly SemaphoreSlim _writing = new(1, 1);
    private readonly IdempotencyCache? _idempotency;

    /// <param name="collector">The collector whose pushed series are saved.</param>
    /// <param name="options">Where and how often.</param>
    /// <param name="time">The clock.</param>
    /// <param name="logger">The log.</param>
    /// <param name="idempotency">The answered <c>Idempotency-Key</c>s, saved with the series (none without one).</param>
    public CollectorSnapshots(PrometheusMetricCollector collector, IOptions<MetricCollectorOptions> options, TimeProvider time, ILogger<CollectorSnapshots> logger, IdempotencyCache? idempotency = null)
    {
        _collector = collector;
        _idempotency = idempotency;
        _path = options.Value.SnapshotPath;
        _time = time;
        _logger = logger;
        var writes = collector.Factory.CreateCounter("metric_collector_snapshot_writes_total", "Snapshots of pushed series written, by result (ok, failed).", ["result"]);
        _written = writes.WithLabels("ok");
        _writeFailed = writes.WithLabels("failed");
        _restores = collector.Factory.CreateCounter("metric_collector_snapshot_restores_total", "Snapshot reads at start-up, by result (restored, none, corrupt).", ["result"]);
        _restoredSeries = collector.Factory.CreateGauge("metric_collector_snapshot_restored_series", "Series restored from the snapshot at start-up.");
    }

    [System.Diagnostics.CodeAnalysis.MemberNotNullWhen(true, nameof(_path))]
    public bool Enabled => !string.IsNullOrEmpty(_path);

    public void Dispose() => _writing.Dispose();

    public async Task RestoreAsync(CancellationToken cancellationToken)
    {
        if (!Enabled)
        {
            return;
        }

        SnapshotDocument? snapshot;
        try
        {
            snapshot = await SnapshotFile.ReadAsync(_path, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is InvalidDataException or IOException or UnauthorizedAccessException)
        {
            string setAside = _path + ".corrupt-" + _time.GetUtcNow().ToString("yyyyMMddTHHmmssZ", System.Globalization.CultureInfo.InvariantCulture);
            _restores.WithLabels("corrupt").Inc();
            if (TrySetAside(_path, setAside) is { } moveProblem)
            {
                LogCorruptLeftInPlace(_logger, _path, ex.Message, setAside, moveProblem);
            }
            else
            {
                LogCorrupt(_logger, _path, ex.Message, setAside);
            }

            return;
        }

        if (snapshot is null)
        {
            _restores.WithLabels("none").Inc();
            LogNoSnapshot(_logger, _path);
            return;
        }

        var (restored, skipped) = SnapshotRestore.Restore(_collector, snapshot);
        if (_idempotency is not null && snapshot.IdempotencyKeys is { } answered)
        {
            _idempotency.Remember(answered, snapshot.DowntimeUntil(_time.GetUtcNow()));
        }

        _restores.WithLabels("restored").Inc();
        _restoredSeries.Set(restored);
        LogRestored(_logger, restored, _path, snapshot.WrittenAt);
        foreach (string problem in skipped)
        {
            LogSkipped(_logger, problem);
        }
    }

    /// <summary>Writes the snapshot; failures are logged and counted, never thrown, so a full disk cannot stop the gateway.</summary>
    public async Task WriteAsync(CancellationToken cancellationToken)
    {
        if (!Enabled)
        {
            return;
        }

        await _writing.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            // The keys with the series, while no body with a key is being applied: a key is saved exactly when what it
            // applied is, so a retry after a crash is neither applied twice nor answered without its records.
            var now = _time.GetUtcNow();
            var snapshot = _idempotency is null
                ? SnapshotCapture.Capture(_collector, now)
                : _idempotency.CaptureWithAnswers(answered => SnapshotCapture.Capture(_collector, now) with { IdempotencyKeys = answered });
            await SnapshotFile.WriteAsync(_path, snapshot, cancellationToken).ConfigureAwait(false);
            _written.Inc();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            _writeFailed.Inc();
            LogWriteFailed(_logger, _path, ex.Message);
        }
        finally
        {
            _writing.Release();
        }
    }

    /// <summary>Renames the unreadable snapshot aside; null when done, else why it could not be.</summary>
    private static string? TrySetAside(string path, string setAside)
    {
        try
        {
            File.Move(path, setAside, overwrite: true);
            return null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return ex.Message;
        }
    }

    [LoggerMessage(EventId = 20, Level = LogLevel.Error, Message = "The snapshot {Path} cannot be read ({Problem}); it was moved to {SetAside} and the collector starts empty")]
    private static partial void LogCorrupt(ILogger logger, string path, string problem, string setAside);

    [LoggerMessage(EventId = 25, Level = LogLevel.Error, Message = "The snapshot {Path} cannot be read ({Problem}) and could not be moved aside to {SetAside} ({MoveProblem}); it is left in place and the collector starts empty; the next snapshot written replaces it")]
    private static partial void LogCorruptLeftInPlace(ILogger logger, string path, string problem, string setAside, string moveProblem);

    [LoggerMessage(EventId = 21, Level = LogLevel.Information, Message = "No snapshot at {Path} yet; the collector starts empty")]
    private static partial void LogNoSnapshot(ILogger logger, string path);

    [LoggerMessage(EventId = 22, Level = LogLevel.Information, Message = "Restored {Count} series from {Path}, written at {WrittenAt}")]
    private static partial void LogRestored(ILogger logger, int count, string path, DateTimeOffset writtenAt);

    [LoggerMessage(EventId = 23, Level = LogLevel.Warning, Message = "Snapshot entry not restored: {Problem}")]
    private static partial void LogSkipped(ILogger logger, string problem);

    [LoggerMessage(EventId = 24, Level = LogLevel.Error, Message = "The snapshot {Path} could not be written: {Problem}")]
    private static partial void LogWriteFailed(ILogger logger, string path, string problem);
}
