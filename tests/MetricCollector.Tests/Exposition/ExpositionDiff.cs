using System.Globalization;
using System.Text;

namespace MetricCollector.Tests.Exposition;

/// <summary>What the differential tests of the exposition writers print when ours and prometheus-net's differ.</summary>
internal static class ExpositionDiff
{
    /// <summary>Fails, showing both around the first differing byte, unless <paramref name="actual"/> equals <paramref name="expected"/>.</summary>
    public static void AssertSameBytes(byte[] expected, byte[] actual, object family, bool openMetrics)
    {
        if (!expected.AsSpan().SequenceEqual(actual))
        {
            int at = expected.AsSpan().CommonPrefixLength(actual);
            Assert.Fail($"{(openMetrics ? "OpenMetrics" : "text")} differs at byte {at} for {Shorten(family.ToString()!)}\nprometheus-net: {Show(expected, at)}\nours:           {Show(actual, at)}");
        }
    }

    /// <summary>A double as it round-trips.</summary>
    public static string Number(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    /// <summary>A string quoted, with anything outside printable ASCII as \uXXXX.</summary>
    public static string Escape(string value)
    {
        var text = new StringBuilder("\"");
        foreach (char c in value)
        {
            text.Append(c is < ' ' or > '~' ? $"\\u{(int)c:x4}" : c.ToString());
        }

        return text.Append('"').ToString();
    }

    private static string Shorten(string text) => text.Length <= 4000 ? text : text[..4000] + "…";

    private static string Show(byte[] bytes, int at)
    {
        int from = Math.Max(0, at - 200);
        return Encoding.UTF8.GetString(bytes, from, Math.Min(bytes.Length - from, 400)).Replace("\n", "\u23CE\n", StringComparison.Ordinal);
    }
}
