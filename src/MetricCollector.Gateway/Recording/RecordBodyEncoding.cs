using System.Text;
using MetricCollector.Recording;
using Microsoft.Extensions.Primitives;
using Microsoft.Net.Http.Headers;

namespace MetricCollector.Gateway.Recording;

/// <summary>
/// What a <c>POST /record</c> body must be before it is read: JSON (<c>application/json</c> or
/// <c>application/&lt;name&gt;+json</c>) in UTF-8 (no <c>charset</c>, or <c>utf-8</c>, in any case, however often it is
/// repeated; empty parameters such as <c>application/json;;</c> are nothing), with no content
/// coding (or <c>identity</c>). Anything else would be read as UTF-8 JSON and refused as malformed, or worse, accepted
/// with other characters than were sent: it gets 415 naming the header at fault. A leading UTF-8 byte order mark is
/// skipped, as RFC 8259 lets a parser do.
/// </summary>
internal static class RecordBodyEncoding
{
    /// <summary>The <c>field</c> of a refusal for a content coding; its answer carries <c>Accept-Encoding: identity</c>.</summary>
    public const string ContentEncodingField = "Content-Encoding";

    private const string ContentTypeField = "Content-Type";

    /// <summary>The UTF-8 byte order mark.</summary>
    /// <summary>The UTF-8 byte order mark, which RFC 8259 lets a JSON parser skip (here and in MCP bodies).</summary>
    internal static ReadOnlySpan<byte> Utf8Bom => [0xEF, 0xBB, 0xBF];

    /// <summary>Why the body cannot be read as UTF-8 JSON from its headers alone, or null when it can.</summary>
    public static RecordRejection? Refusal(HttpRequest request)
    {
        string? contentType = request.ContentType;
        // What clients send nearly always, checked without parsing or allocating.
        if (!string.Equals(contentType, "application/json", StringComparison.OrdinalIgnoreCase)
            && !string.Equals(contentType, "application/json; charset=utf-8", StringComparison.OrdinalIgnoreCase)
            && ContentTypeRefusal(contentType) is { } refusal)
        {
            return refusal;
        }

        var encodings = request.Headers.ContentEncoding;
        return encodings.Count == 0 ? null : ContentEncodingRefusal(encodings);
    }

    /// <summary>The body without a leading UTF-8 byte order mark (one at most: a second is malformed JSON).</summary>
    public static ReadOnlyMemory<byte> WithoutByteOrderMark(ReadOnlyMemory<byte> body) =>
        body.Span.StartsWith(Utf8Bom) ? body[Utf8Bom.Length..] : body;

    private static RecordRejection? ContentTypeRefusal(string? contentType)
    {
        if (string.IsNullOrEmpty(contentType))
        {
            return new RecordRejection(RejectionReason.UnsupportedMediaType, ContentTypeField,
                "the Content-Type header is missing: send Content-Type: application/json.");
        }

        if (!MediaTypeHeaderValue.TryParse(WithoutEmptyParameters(contentType), out var mediaType) || !IsJson(mediaType))
        {
            return new RecordRejection(RejectionReason.UnsupportedMediaType, ContentTypeField,
                $"Content-Type must be application/json (or application/<name>+json), not '{Echo.Of(contentType)}'.");
        }

        // Every charset, not only the first: a repeated one is ambiguous, and readers may take either, so it is
        // accepted only when all of them say UTF-8.
        var parameters = mediaType.Parameters;
        for (int i = 0; i < parameters.Count; i++)
        {
            if (!parameters[i].Name.Equals("charset", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            var charset = HeaderUtilities.RemoveQuotes(parameters[i].Value);
            if (charset.Length > 0 && !charset.Equals("utf-8", StringComparison.OrdinalIgnoreCase))
            {
                return new RecordRejection(RejectionReason.UnsupportedMediaType, ContentTypeField,
                    $"charset '{Echo.Of(charset.ToString())}' is not supported: the body must be JSON in UTF-8; send charset=utf-8 or no charset.");
            }
        }

        return null;
    }

    /// <summary>
    /// <paramref name="contentType"/> without empty parameters (<c>application/json;;</c>), which RFC 9110's
    /// <c>*( OWS ";" OWS [ parameter ] )</c> allows and <see cref="MediaTypeHeaderValue"/> does not parse; the same
    /// string when it has none. A <c>;</c> inside a quoted value is no separator.
    /// </summary>
    private static string WithoutEmptyParameters(string contentType)
    {
        StringBuilder? kept = null;
        bool quoted = false;
        for (int i = 0; i < contentType.Length; i++)
        {
            char c = contentType[i];
            if (quoted)
            {
                if (c == '\\' && i + 1 < contentType.Length)
                {
                    // A quoted-pair: the next character is taken as it is, even a quote.
                    kept?.Append(c);
                    c = contentType[++i];
                }
                else if (c == '"')
                {
                    quoted = false;
                }
            }
            else if (c == '"')
            {
                quoted = true;
            }
            else if (c == ';')
            {
                int next = i + 1;
                while (next < contentType.Length && contentType[next] is ' ' or '\t')
                {
                    next++;
                }

                if (next == contentType.Length || contentType[next] == ';')
                {
                    // An empty parameter: its ";" and the whitespace after it go.
                    kept ??= new StringBuilder(contentType, 0, i, contentType.Length);
                    i = next - 1;
                    continue;
                }
            }

            kept?.Append(c);
        }

        return kept?.ToString() ?? contentType;
    }

    private static bool IsJson(MediaTypeHeaderValue mediaType) =>
        mediaType.Type.Equals("application", StringComparison.OrdinalIgnoreCase)
        && (mediaType.SubType.Equals("json", StringComparison.OrdinalIgnoreCase)
            || (mediaType.Suffix.Equals("json", StringComparison.OrdinalIgnoreCase) && mediaType.SubTypeWithoutSuffix.Length > 0));

    private static RecordRejection? ContentEncodingRefusal(StringValues encodings)
    {
        // Codings are tokens, listed in one header or several; "identity" (no coding) is the only one accepted.
        if (StringWithQualityHeaderValue.TryParseList(encodings, out var codings))
        {
            bool identityOnly = true;
            for (int i = 0; i < codings.Count; i++)
            {
                identityOnly &= codings[i].Value.Equals("identity", StringComparison.OrdinalIgnoreCase);
            }

            if (identityOnly)
            {
                return null;
            }
        }

        return new RecordRejection(RejectionReason.UnsupportedMediaType, ContentEncodingField,
            $"Content-Encoding '{Echo.Of(encodings.ToString())}' is not supported: send the body uncompressed.");
    }
}
