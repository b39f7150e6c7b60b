using System.Globalization;

namespace MetricCollector.Gateway.Proxy;

/// <summary>
/// The bounded set of <c>code</c> label values: the status codes registered with IANA, 499 (a client that went away),
/// and one value per class (<c>"5xx"</c>) for every other code. An upstream can send any status from 100 to 999, and
/// each used to become a series of its own (a review made 800 in a minute on one route and method).
/// </summary>
internal static class StatusCodeLabels
{
    // The IANA HTTP Status Code Registry (RFC 9110 and the RFCs it lists), without the reserved 306, and 499.
    private static readonly bool[] Registered = Build(
        100, 101, 102, 103,
        200, 201, 202, 203, 204, 205, 206, 207, 208, 226,
        300, 301, 302, 303, 304, 305, 307, 308,
        400, 401, 402, 403, 404, 405, 406, 407, 408, 409, 410, 411, 412, 413, 414, 415, 416, 417, 418,
        421, 422, 423, 424, 425, 426, 428, 429, 431, 451, GatewayInstrumentationMiddleware.ClientClosedRequest,
        500, 501, 502, 503, 504, 505, 506, 507, 508, 510, 511);

    /// <summary>
    /// The label key of <paramref name="status"/>: the status itself when it is registered, otherwise its class
    /// (0 to 9), which no registered status can be. Allocates nothing.
    /// </summary>
    public static int KeyOf(int status) =>
        status is >= 0 and < 1000 && Registered[status] ? status : Math.Clamp(status, 0, 999) / 100;

    /// <summary>The label value of a key from <see cref="KeyOf"/>: "404", or "5xx" for a class.</summary>
    public static string NameOf(int key) =>
        key < 10 ? key.ToString(CultureInfo.InvariantCulture) + "xx" : key.ToString(CultureInfo.InvariantCulture);

    private static bool[] Build(params int[] codes)
    {
        var registered = new bool[1000];
        foreach (int code in codes)
        {
            registered[code] = true;
        }

        return registered;
    }
}
