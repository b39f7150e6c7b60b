using MetricCollector.Exposition;
using Microsoft.Extensions.Primitives;
using Microsoft.Net.Http.Headers;

namespace MetricCollector.Gateway.Exposition;

/// <summary>
/// The format of <c>GET /metrics</c> from the <c>Accept</c> header, by its q-values (RFC 9110 12.5.1): each format
/// takes the quality of the most specific range that matches it (<c>application/openmetrics-text</c> over
/// <c>application/*</c> over <c>*/*</c>; <c>text/plain</c> over <c>text/*</c> over <c>*/*</c>; parameters such as
/// <c>version</c> are not compared), q=0 means not acceptable, and the higher quality wins. On a tie OpenMetrics wins
/// when the header names it (a Prometheus server names both at q=1 and 0.5), the text format otherwise. With no header,
/// one that cannot be parsed, or nothing acceptable, the default: the text format. Also whether to compress it.
/// </summary>
internal static class MetricsFormatNegotiation
{
    private const string OpenMetricsType = "application";
    private const string OpenMetricsSubtype = "openmetrics-text";
    private const string TextType = "text";
    private const string TextSubtype = "plain";

    // How specific a matching range is; 0 for one that does not match.
    private const int Exact = 3;
    private const int AnySubtype = 2;
    private const int AnyType = 1;

    public static MetricsFormat Choose(StringValues accept)
    {
        // One parse per scrape; the lenient parser skips an invalid element rather than failing the whole list.
        if (accept.Count == 0 || !MediaTypeHeaderValue.TryParseList(accept, out var ranges))
        {
            return MetricsFormat.PrometheusText;
        }

        double openMetrics = 0, text = 0;
        int openMetricsSpecificity = 0, textSpecificity = 0;
        bool openMetricsNamed = false;
        for (int i = 0; i < ranges.Count; i++)
        {
            var range = ranges[i];
            // An absent q is 1; an invalid one is taken as absent, as ASP.NET's own negotiation does.
            double quality = range.Quality ?? 1;
            int specificity = Specificity(range, OpenMetricsType, OpenMetricsSubtype);
            openMetricsNamed |= specificity == Exact;
            Take(specificity, quality, ref openMetricsSpecificity, ref openMetrics);
            Take(Specificity(range, TextType, TextSubtype), quality, ref textSpecificity, ref text);
        }

        if (openMetrics <= 0 && text <= 0)
        {
            return MetricsFormat.PrometheusText;
        }

        return openMetrics > text || (openMetrics == text && openMetricsNamed) ? MetricsFormat.OpenMetrics : MetricsFormat.PrometheusText;
    }

    /// <summary>
    /// Whether the <c>Accept-Encoding</c> header takes gzip: named (or as <c>x-gzip</c>) with a q above 0, or, when not
    /// named, <c>*</c> with a q above 0 (RFC 9110 12.5.3). Prometheus servers send <c>gzip</c> on every scrape.
    /// </summary>
    public static bool AcceptsGzip(StringValues acceptEncoding)
    {
        if (acceptEncoding.Count == 0 || !StringWithQualityHeaderValue.TryParseList(acceptEncoding, out var codings))
        {
            return false;
        }

        double? gzip = null, any = null;
        for (int i = 0; i < codings.Count; i++)
        {
            var coding = codings[i];
            double quality = coding.Quality ?? 1;
            if (coding.Value.Equals("gzip", StringComparison.OrdinalIgnoreCase) || coding.Value.Equals("x-gzip", StringComparison.OrdinalIgnoreCase))
            {
                gzip = Math.Max(gzip ?? 0, quality);
            }
            else if (coding.Value.Equals("*", StringComparison.Ordinal))
            {
                any = quality;
            }
        }

        return (gzip ?? any ?? 0) > 0;
    }

    // The most specific range decides; among ranges as specific (a type listed with two versions), the highest q.
    private static void Take(int specificity, double quality, ref int bestSpecificity, ref double bestQuality)
    {
        if (specificity > bestSpecificity)
        {
            bestSpecificity = specificity;
            bestQuality = quality;
        }
        else if (specificity > 0 && specificity == bestSpecificity && quality > bestQuality)
        {
            bestQuality = quality;
        }
    }

    private static int Specificity(MediaTypeHeaderValue range, string type, string subtype)
    {
        if (range.MatchesAllTypes)
        {
            return AnyType;
        }

        if (!range.Type.Equals(type, StringComparison.OrdinalIgnoreCase))
        {
            return 0;
        }

        if (range.MatchesAllSubTypes)
        {
            return AnySubtype;
        }

        return range.SubType.Equals(subtype, StringComparison.OrdinalIgnoreCase) ? Exact : 0;
    }
}
