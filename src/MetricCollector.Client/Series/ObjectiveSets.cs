namespace MetricCollector.Client.Series;

/// <summary>How a summary's objectives given again are compared with its first ones: as the collector compares them, in any order.</summary>
internal static class ObjectiveSets
{
    /// <summary>
    /// Whether <paramref name="given"/> holds the same objectives as <paramref name="first"/>, in any order; checked
    /// both ways, so that a list repeating one objective (refused later by the rules) is not taken for another.
    /// </summary>
    public static bool Same(IReadOnlyList<SummaryObjective> first, IReadOnlyList<SummaryObjective> given) =>
        first.Count == given.Count && ContainsAll(first, given) && ContainsAll(given, first);

    // At most 16 objectives a side: a scan, without allocating.
    private static bool ContainsAll(IReadOnlyList<SummaryObjective> container, IReadOnlyList<SummaryObjective> items)
    {
        for (int i = 0; i < items.Count; i++)
        {
            bool found = false;
            for (int j = 0; j < container.Count && !found; j++)
            {
                found = container[j] == items[i];
            }

            if (!found)
            {
                return false;
            }
        }

        return true;
    }
}
