namespace MetricCollector.Recording;

/// <summary>The lower-case names of <see cref="MetricType"/> used in records, messages and help texts.</summary>
internal static class TypeNames
{
    public static string Of(MetricType type) => type switch
    {
        MetricType.Counter => "counter",
        MetricType.Gauge => "gauge",
        MetricType.Histogram => "histogram",
        _ => "summary",
    };

    public static bool TryParse(string? name, out MetricType type)
    {
        switch (name)
        {
            case "counter": type = MetricType.Counter; return true;
            case "gauge": type = MetricType.Gauge; return true;
            case "histogram": type = MetricType.Histogram; return true;
            case "summary": type = MetricType.Summary; return true;
            default: type = default; return false;
        }
    }
}
