namespace MetricCollector.Gateway.Proxy;

/// <summary>When a proxied request was handed to YARP's client (<see cref="System.Diagnostics.Stopwatch.GetTimestamp"/>), as a request feature.</summary>
internal sealed class UpstreamStart(long timestamp)
{
    public long Timestamp { get; } = timestamp;
}
