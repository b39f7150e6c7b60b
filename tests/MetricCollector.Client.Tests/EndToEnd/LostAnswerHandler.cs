namespace MetricCollector.Client.Tests.EndToEnd;

/// <summary>
/// Lets chosen attempts reach the real collector and then loses the answer (the collector applied the batch, the
/// client never hears it), the case that makes a naive retry count twice.
/// </summary>
internal sealed class LostAnswerHandler(Func<int, bool> loseAnswerOfAttempt) : DelegatingHandler
{
    private int _attempts;

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        int attempt = Interlocked.Increment(ref _attempts);
        var response = await base.SendAsync(request, cancellationToken);
        if (loseAnswerOfAttempt(attempt))
        {
            response.Dispose();
            throw new HttpRequestException("The connection was reset before the answer arrived (test).");
        }

        return response;
    }
}
