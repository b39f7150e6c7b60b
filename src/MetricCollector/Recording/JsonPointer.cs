namespace MetricCollector.Recording;

/// <summary>RFC 6901 escaping of one reference token of a JSON Pointer.</summary>
internal static class JsonPointer
{
    public static string Escape(string token) =>
        token.Contains('~', StringComparison.Ordinal) || token.Contains('/', StringComparison.Ordinal)
            ? token.Replace("~", "~0", StringComparison.Ordinal).Replace("/", "~1", StringComparison.Ordinal)
            : token;
}
