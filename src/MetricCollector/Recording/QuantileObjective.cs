namespace MetricCollector.Recording;

/// <summary>A quantile a summary exposes, with the rank error it tolerates.</summary>
/// <param name="Quantile">The quantile, strictly between 0 and 1.</param>
/// <param name="Error">The allowed rank error, strictly between 0 and 1.</param>
public sealed record QuantileObjective(double Quantile, double Error);
