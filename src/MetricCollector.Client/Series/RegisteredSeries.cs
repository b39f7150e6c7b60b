namespace MetricCollector.Client.Series;

/// <summary>
/// A series in the registry: its handle, and its metric's first definition, against which buckets or objectives given
/// again are compared without the registry's lock.
/// </summary>
/// <param name="handle">The series' handle (<see cref="CounterSeries"/>, <see cref="GaugeSeries"/>, <see cref="HistogramSeries"/> or <see cref="SummarySeries"/>).</param>
/// <param name="metric">What its metric was first defined with.</param>
internal sealed class RegisteredSeries(object handle, MetricShape metric)
{
    public object Handle { get; } = handle;

    /// <summary>
    /// Whether <see cref="MetricDefinitions.Check"/> would pass these buckets and objectives for this series: each
    /// omitted, or equal to the metric's first ones (objectives in any order). Type and label names need no check, as
    /// the series was created with the same ones. When false, the registry calls that check, which throws with its
    /// message.
    /// </summary>
    /// <param name="buckets">The buckets the caller gave, or null.</param>
    /// <param name="objectives">The objectives the caller gave, or null.</param>
    public bool Accepts(IReadOnlyList<double>? buckets, IReadOnlyList<SummaryObjective>? objectives) =>
        (buckets is null || (metric.Buckets is { } firstBuckets && SameItems(firstBuckets, buckets)))
        && (objectives is null || (metric.Objectives is { } firstObjectives && ObjectiveSets.Same(firstObjectives, objectives)));

    /// <summary>The equality of the check's <c>SequenceEqual</c> (the default comparer), without an enumerator.</summary>
    private static bool SameItems<T>(IReadOnlyList<T> first, IReadOnlyList<T> given)
    {
        if (first.Count != given.Count)
        {
            return false;
        }

        for (int i = 0; i < first.Count; i++)
        {
            if (!EqualityComparer<T>.Default.Equals(first[i], given[i]))
            {
                return false;
            }
        }

        return true;
    }
}
