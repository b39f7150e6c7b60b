namespace MetricCollector.Gateway.Security;

/// <summary>The outcome of checking a request's credential.</summary>
/// <param name="Failure">Null when the request may go on; otherwise <c>unauthorized</c> (401) or <c>forbidden</c> (403).</param>
/// <param name="Detail">What the client should change.</param>
/// <param name="Key">The matching key, when there is one.</param>
internal sealed record AuthResult(MetricCollector.Recording.RejectionReason? Failure, string Detail, ApiKey? Key)
{
    public static readonly AuthResult Open = new(null, "", null);
}
