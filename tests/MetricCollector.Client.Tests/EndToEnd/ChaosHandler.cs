using System.Net;

namespace MetricCollector.Client.Tests.EndToEnd;

/// <summary>
/// Makes three attempts in four fail, in turn: the answer is lost after the collector applied the batch, the collector
/// answers 503 without applying it, or the connection fails before anything is sent. Calm once <see cref="Calm"/> is set.
/// </summary>
internal sealed class ChaosHandler : DelegatingHandler
{
    private int _attempts;

    public bool Calm { get; set; }

    /// <summary>Attempts seen so far.</summary>
    public int Attempts => Volatile.Read(ref _attempts);

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        int attempt = Interlocked.Increment(ref _attempts);
        if (Calm)
        {
            return await base.SendAsync(request, cancellationToken);
        }

        switch (attempt % 4)
        {
            case 1:
                var response = await base.SendAsync(request, cancellationToken);
                response.Dispose();
                throw new HttpRequestException("The answer was lost (test).");
            case 2:
                return new HttpResponseMessage(HttpStatusCode.ServiceUnavailable) { RequestMessage = request };
            case 3:
                throw new HttpRequestException("Connection refused (test).");
            default:
                return await base.SendAsync(request, cancellationToken);
        }
    }
}
