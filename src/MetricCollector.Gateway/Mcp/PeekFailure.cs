using Yarp.ReverseProxy.Forwarder;

namespace MetricCollector.Gateway.Mcp;

/// <summary>
/// A request body that failed while the MCP step read it, reported as YARP reports one that fails while it forwards
/// (<see cref="IForwarderErrorFeature"/>): the instrumentation then labels, counts and logs it the same way.
/// </summary>
/// <param name="error">What failed: the client's body, or the client going away.</param>
/// <param name="exception">The read's exception.</param>
internal sealed class PeekFailure(ForwarderError error, Exception exception) : IForwarderErrorFeature
{
    public ForwarderError Error { get; } = error;

    public Exception Exception { get; } = exception;
}
