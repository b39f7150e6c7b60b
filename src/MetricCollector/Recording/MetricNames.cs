namespace MetricCollector.Recording;

/// <summary>
/// The rule for metric and label names, <c>[a-zA-Z_][a-zA-Z0-9_]*</c> up to a length: one place, compiled into the
/// client too (MetricCollector.Client links this file), so that a name the client accepts is one the collector accepts.
/// </summary>
internal static class MetricNames
{
    /// <summary>
    /// A label name any record may carry: the name rule, at most <see cref="RecordLimits.MaxLabelNameLength"/>
    /// characters, not starting with <c>__</c> (Prometheus' own).
    /// </summary>
    public static bool IsValidLabelName(string name) =>
        IsValid(name, RecordLimits.MaxLabelNameLength) && !name.StartsWith("__", StringComparison.Ordinal);

    /// <summary>
    /// Whether a counter named <paramref name="name"/> would have no family name: <c>_total</c> alone, whose family in
    /// OpenMetrics (the exposed name without its <c>_total</c>) is empty, which makes Prometheus refuse the whole scrape.
    /// </summary>
    public static bool LeavesNoCounterFamily(string name) => string.Equals(name, "_total", StringComparison.Ordinal);

    public static bool IsValid(string name, int maxLength)
    {
        if (name.Length == 0 || name.Length > maxLength || char.IsAsciiDigit(name[0]))
        {
            return false;
        }

        foreach (char c in name)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c != '_')
            {
                return false;
            }
        }

        return true;
    }
}
