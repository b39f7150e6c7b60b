using Microsoft.Extensions.Options;

namespace MetricCollector.Gateway.Hosting;

/// <summary>
/// Holds the server open for <see cref="GatewayServerOptions.ShutdownDelay"/> once the host starts to stop, with
/// <c>/readyz</c> answering 503 meanwhile (<see cref="IsStopping"/>), so that Kubernetes and load balancers stop sending
/// before Kestrel refuses new connections. The host runs <see cref="StoppingAsync"/> before any hosted service's
/// <c>StopAsync</c>, Kestrel's included, whether the stop came from a signal (ApplicationStopping already signalled) or
/// from <c>StopAsync</c> (ApplicationStopping signalled after it).
/// </summary>
internal sealed partial class ShutdownDelayService(IOptions<GatewayServerOptions> options, TimeProvider time, ILogger<ShutdownDelayService> logger) : IHostedLifecycleService
{
    private int _stopping;

    /// <summary>Whether the host has started to stop: readiness answers 503 from then on.</summary>
    public bool IsStopping => Volatile.Read(ref _stopping) != 0;

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task StoppingAsync(CancellationToken cancellationToken)
    {
        // A second StopAsync (a host that stops twice) does not wait again.
        if (Interlocked.Exchange(ref _stopping, 1) != 0)
        {
            return;
        }

        var delay = options.Value.ShutdownDelay;
        if (delay <= TimeSpan.Zero)
        {
            return;
        }

        LogDelay(logger, delay.TotalSeconds);
        try
        {
            // The token is the host's shutdown deadline and the stop caller's: either ends the delay early.
            await Task.Delay(delay, time, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Cut short: the stop goes on, with whatever of its deadline is left.
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(EventId = 50, Level = LogLevel.Information, Message = "Stopping: /readyz answers 503; serving for {DelaySeconds} s more before closing connections")]
    private static partial void LogDelay(ILogger logger, double delaySeconds);
}
