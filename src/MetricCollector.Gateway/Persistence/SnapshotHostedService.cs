using MetricCollector.Collector;
using MetricCollector.Persistence;
using Microsoft.Extensions.Options;

namespace MetricCollector.Gateway.Persistence;

/// <summary>
/// Restores the pushed series before the server takes requests, writes a snapshot at an interval, and writes the last
/// one when the host stops: hosted services stop after the server has drained its in-flight requests.
/// </summary>
internal sealed class SnapshotHostedService(CollectorSnapshots snapshots, IOptions<MetricCollectorOptions> options, TimeProvider time) : IHostedService, IDisposable
{
    private readonly CancellationTokenSource _stopping = new();
    private Task _periodic = Task.CompletedTask;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (!snapshots.Enabled)
        {
            return;
        }

        await snapshots.RestoreAsync(cancellationToken);
        _periodic = WritePeriodicallyAsync(_stopping.Token);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (!snapshots.Enabled)
        {
            return;
        }

        await _stopping.CancelAsync();
        await _periodic;
        // The last snapshot is written even when the shutdown deadline has passed: losing it would lose what was pushed.
        await snapshots.WriteAsync(CancellationToken.None);
    }

    public void Dispose() => _stopping.Dispose();

    private async Task WritePeriodicallyAsync(CancellationToken stopping)
    {
        using var timer = new PeriodicTimer(options.Value.SnapshotInterval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stopping))
            {
                await snapshots.WriteAsync(stopping);
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // Stopping: the final snapshot follows.
        }
    }
}
