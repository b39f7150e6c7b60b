namespace MetricCollector.Client.Series;

/// <summary>One histogram or summary observation waiting in the buffer: a struct, so buffering it allocates nothing.</summary>
/// <param name="SeriesId">The <see cref="SeriesDefinition.Id"/> of the series observed.</param>
/// <param name="Value">The observed value.</param>
internal readonly record struct Observation(int SeriesId, double Value);
