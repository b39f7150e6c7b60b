namespace MetricCollector.Collector;

/// <summary>The label values of one series, in the order of its metric's sorted label names; a dictionary key.</summary>
internal readonly struct LabelValues(string[] values) : IEquatable<LabelValues>
{
    public string[] Values { get; } = values;

    public bool Equals(LabelValues other)
    {
        string[] mine = Values, theirs = other.Values;
        if (mine.Length != theirs.Length)
        {
            return false;
        }

        for (int i = 0; i < mine.Length; i++)
        {
            if (!string.Equals(mine[i], theirs[i], StringComparison.Ordinal))
            {
                return false;
            }
        }

        return true;
    }

    public override bool Equals(object? obj) => obj is LabelValues other && Equals(other);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        foreach (string value in Values)
        {
            hash.Add(value, StringComparer.Ordinal);
        }

        return hash.ToHashCode();
    }
}
