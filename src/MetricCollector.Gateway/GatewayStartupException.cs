namespace MetricCollector.Gateway;

/// <summary>A start-up problem the operator can fix, reported as its message alone.</summary>
internal sealed class GatewayStartupException(string message) : Exception(message);
