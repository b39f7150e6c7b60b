using Microsoft.Extensions.Hosting;

namespace MetricCollector.Client.Tests.Delivery;

/// <summary>A component's hosted service that records its last values while it stops, as a worker finishing its jobs does.</summary>
internal sealed class RecordingWorker(MetricCollectorClient client) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken)
    {
        var jobs = client.Counter("jobs_total");
        jobs.Inc();
        jobs.Inc();
        return Task.CompletedTask;
    }
}
