using System.Collections.Concurrent;

namespace MetricCollector.Client.Tests;

/// <summary>Counts the attempts that reach the network, below the client's resilience pipeline, and keeps their keys.</summary>
internal sealed class CountingHandler : DelegatingHandler
{
    private readonly ConcurrentQueue<string> _keys = new();

    public int Attempts => _keys.Count;

    /// <summary>The Idempotency-Key of each attempt, in order.</summary>
    public IReadOnlyList<string> Keys => [.. _keys];

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        _keys.Enqueue(request.Headers.TryGetValues("Idempotency-Key", out var keys) ? keys.Single() : "");
        return base.SendAsync(request, cancellationToken);
    }
}
