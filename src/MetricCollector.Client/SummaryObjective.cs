namespace MetricCollector.Client;

/// <summary>A quantile a summary exposes, and the error allowed in estimating it.</summary>
/// <param name="Quantile">The quantile, strictly between 0 and 1 (0.99 for p99).</param>
/// <param name="Error">The allowed error, strictly between 0 and 1 (0.001).</param>
public readonly record struct SummaryObjective(double Quantile, double Error);
