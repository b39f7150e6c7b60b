namespace MetricCollector.Client.Series;

/// <summary>
/// Series identity (type, name, label names and values, compared ordinally) for the registry's table, keyed by
/// <see cref="SeriesDefinition"/> and looked up by <see cref="SeriesQuery"/>. The labels' hash is a sum of one hash a
/// pair, so that it does not depend on their order: a query hashes its dictionary as it enumerates, a definition its
/// sorted labels, and the two agree.
/// </summary>
internal sealed class SeriesIdentityComparer : IEqualityComparer<SeriesDefinition>, IAlternateEqualityComparer<SeriesQuery, SeriesDefinition>
{
    public static SeriesIdentityComparer Instance { get; } = new();

    private SeriesIdentityComparer()
    {
    }

    public bool Equals(SeriesDefinition? x, SeriesDefinition? y)
    {
        if (ReferenceEquals(x, y))
        {
            return true;
        }

        if (x is null || y is null || x.Kind != y.Kind || !string.Equals(x.Name, y.Name, StringComparison.Ordinal) || x.Labels.Count != y.Labels.Count)
        {
            return false;
        }

        // Both ordered by name.
        for (int i = 0; i < x.Labels.Count; i++)
        {
            var (key, value) = x.Labels[i];
            if (!string.Equals(key, y.Labels[i].Key, StringComparison.Ordinal) || !string.Equals(value, y.Labels[i].Value, StringComparison.Ordinal))
            {
                return false;
            }
        }

        return true;
    }

    public int GetHashCode(SeriesDefinition obj)
    {
        int labels = 0;
        for (int i = 0; i < obj.Labels.Count; i++)
        {
            labels += HashCode.Combine(obj.Labels[i].Key, obj.Labels[i].Value);
        }

        return HashCode.Combine(obj.Kind, obj.Name, labels);
    }

    public int GetHashCode(SeriesQuery alternate)
    {
        int labels = 0;
        // A Dictionary's struct enumerator, not the interface's boxed one: the usual lookup allocates nothing.
        if (alternate.Labels is Dictionary<string, string> dictionary)
        {
            foreach (var (key, value) in dictionary)
            {
                labels += HashCode.Combine(key, value);
            }
        }
        else if (alternate.Labels is not null)
        {
            foreach (var (key, value) in alternate.Labels)
            {
                labels += HashCode.Combine(key, value);
            }
        }

        return HashCode.Combine(alternate.Kind, alternate.Name, labels);
    }

    public bool Equals(SeriesQuery alternate, SeriesDefinition other)
    {
        var given = alternate.Labels;
        if (alternate.Kind != other.Kind || !string.Equals(alternate.Name, other.Name, StringComparison.Ordinal) || (given?.Count ?? 0) != other.Labels.Count)
        {
            return false;
        }

        // As many pairs, each found among the definition's (a dictionary's keys are distinct): the same set.
        if (given is Dictionary<string, string> dictionary)
        {
            foreach (var (key, value) in dictionary)
            {
                if (!Contains(other.Labels, key, value))
                {
                    return false;
                }
            }
        }
        else if (given is not null)
        {
            foreach (var (key, value) in given)
            {
                if (!Contains(other.Labels, key, value))
                {
                    return false;
                }
            }
        }

        return true;
    }

    /// <summary>Not used: the registry adds a series by its definition, which a query lacks (help, buckets, objectives).</summary>
    /// <param name="alternate">The query.</param>
    /// <returns>Nothing: always throws.</returns>
    /// <exception cref="NotSupportedException">Always.</exception>
    public SeriesDefinition Create(SeriesQuery alternate) =>
        throw new NotSupportedException("The series registry adds series by their definition, under its lock.");

    /// <summary>Whether the labels, ordered by name, hold this pair: a binary search, as a series may have 32 labels.</summary>
    private static bool Contains(IReadOnlyList<KeyValuePair<string, string>> sorted, string key, string value)
    {
        int low = 0;
        int high = sorted.Count - 1;
        while (low <= high)
        {
            int middle = low + ((high - low) >> 1);
            var pair = sorted[middle];
            int order = string.CompareOrdinal(pair.Key, key);
            if (order == 0)
            {
                return string.Equals(pair.Value, value, StringComparison.Ordinal);
            }

            if (order < 0)
            {
                low = middle + 1;
            }
            else
            {
                high = middle - 1;
            }
        }

        return false;
    }
}
