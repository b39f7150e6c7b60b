using System.Globalization;

namespace MetricCollector.Gateway.Tests;

/// <summary>Reads sample values out of the Prometheus text format.</summary>
internal static class MetricsText
{
    /// <summary>The value of the sample written exactly as <paramref name="series"/> (name and labels), or null.</summary>
    public static double? Value(string exposition, string series)
    {
        foreach (string line in exposition.Split('\n'))
        {
            if (line.StartsWith(series + " ", StringComparison.Ordinal))
            {
                return double.Parse(line[(series.Length + 1)..], CultureInfo.InvariantCulture);
            }
        }

        return null;
    }

    /// <summary>How many samples of metric <paramref name="name"/> there are.</summary>
    public static int Count(string exposition, string name)
    {
        int count = 0;
        foreach (string line in exposition.Split('\n'))
        {
            if (line.StartsWith(name + "{", StringComparison.Ordinal) || line.StartsWith(name + " ", StringComparison.Ordinal))
            {
                count++;
            }
        }

        return count;
    }
}
