using Microsoft.Extensions.Hosting;

namespace MetricCollector.Client;

/// <summary>
/// Ties the client to the host: it starts with the host (so values recorded early are sent), and its buffer is flushed
/// when the host stops, while logging still works, within the shorter of the client's and the host's deadlines.
/// </summary>
internal sealed class MetricCollectorClientLifetime(MetricCollectorClient client) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => client.StopAsync(cancellationToken);
}
