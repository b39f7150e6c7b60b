namespace MetricCollector.Recording.Validation;

/// <summary>The numeric bounds of one schema object, with NJsonSchema's two ways of comparing.</summary>
/// <param name="Minimum"><c>minimum</c>.</param>
/// <param name="MinimumIsExclusive">Draft-04 <c>exclusiveMinimum: true</c>.</param>
/// <param name="Maximum"><c>maximum</c>.</param>
/// <param name="MaximumIsExclusive">Draft-04 <c>exclusiveMaximum: true</c>.</param>
/// <param name="ExclusiveMinimum">A numeric <c>exclusiveMinimum</c>.</param>
/// <param name="ExclusiveMaximum">A numeric <c>exclusiveMaximum</c>.</param>
internal sealed record NumberBounds(
    decimal? Minimum, bool MinimumIsExclusive, decimal? Maximum, bool MaximumIsExclusive, decimal? ExclusiveMinimum, decimal? ExclusiveMaximum)
{
    public bool Admits(decimal value) =>
        (Minimum is not decimal min || (MinimumIsExclusive ? value > min : value >= min))
        && (Maximum is not decimal max || (MaximumIsExclusive ? value < max : value <= max))
        && (ExclusiveMinimum is not decimal exclusiveMin || value > exclusiveMin)
        && (ExclusiveMaximum is not decimal exclusiveMax || value < exclusiveMax);

    public bool Admits(double value) =>
        (Minimum is not decimal min || (MinimumIsExclusive ? value > (double)min : value >= (double)min))
        && (Maximum is not decimal max || (MaximumIsExclusive ? value < (double)max : value <= (double)max))
        && (ExclusiveMinimum is not decimal exclusiveMin || value > (double)exclusiveMin)
        && (ExclusiveMaximum is not decimal exclusiveMax || value < (double)exclusiveMax);
}
