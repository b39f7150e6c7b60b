namespace MetricCollector.Client.Series;

/// <summary>
/// One histogram or summary observation waiting in the buffer: a struct of a reference and a double (16 bytes on
/// 64-bit), so buffering it allocates nothing.
/// </summary>
/// <param name="Series">The series observed.</param>
/// <param name="Value">The observed value.</param>
internal readonly record struct Observation(SeriesDefinition Series, double Value);
