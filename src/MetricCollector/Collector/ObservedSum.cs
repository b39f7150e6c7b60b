using MetricCollector.Recording;

namespace MetricCollector.Collector;

/// <summary>What a series' sum becomes with a record's observations, added in the order the series adds them.</summary>
internal static class ObservedSum
{
    /// <summary>
    /// <paramref name="sum"/> plus the record's value or values; not finite when the series must refuse the record
    /// (checked before any count changes, so that a refused record changes nothing).
    /// </summary>
    public static double After(double sum, MetricRecord record)
    {
        if (record.Values is { } values)
        {
            for (int i = 0; i < values.Count; i++)
            {
                sum += values[i];
            }

            return sum;
        }

        return sum + record.Value!.Value;
    }
}
