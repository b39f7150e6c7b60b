namespace MetricCollector.Demo;

/// <summary>Plausible service times: mostly near the typical value, with a long tail.</summary>
internal static class Latency
{
    public static Task DelayAsync(int typicalMilliseconds, CancellationToken cancellationToken)
    {
        // Exponential tail over a floor of half the typical time.
        double tail = -Math.Log(1 - Random.Shared.NextDouble()) * typicalMilliseconds / 2;
        return Task.Delay(TimeSpan.FromMilliseconds((typicalMilliseconds / 2.0) + tail), cancellationToken);
    }

    public static bool Fails(double probability) => Random.Shared.NextDouble() < probability;
}
