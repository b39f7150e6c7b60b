using System.Text;

namespace MetricCollector.Gateway.Proxy;

/// <summary>The gateway's own endpoints, which are answered by the gateway and never forwarded, whatever the routes say.</summary>
internal static class ReservedPaths
{
    public const string Record = "/record";
    public const string Metrics = "/metrics";
    public const string Liveness = "/healthz";
    public const string Readiness = "/readyz";

    /// <summary>One pushed metric (<c>DELETE</c> removes its series): a route pattern, and a path routes are tested against.</summary>
    public const string MetricByName = "/metrics/{name}";

    private const string MetricsPrefix = Metrics + "/";

    public static readonly string[] All = [Record, Metrics, Liveness, Readiness, MetricByName];

    /// <summary>The methods the health endpoints answer: HEAD wherever GET, as HTTP expects.</summary>
    public static readonly string[] HealthMethods = [HttpMethods.Get, HttpMethods.Head];

    /// <summary>The <c>Allow</c> header of a 405 on a reserved path: the methods mapped on it.</summary>
    public static string AllowedMethods(string path) => path switch
    {
        Record => "POST",
        Metrics => "GET, HEAD, DELETE",
        MetricByName => "DELETE",
        _ => "GET, HEAD",
    };

    /// <summary>
    /// The reserved path <paramref name="path"/> names once its repeated slashes are merged (<c>//record</c>,
    /// <c>/metrics//jobs</c>), or null when it has none or names no reserved path. Routing matches an empty segment
    /// only to a catch-all route, which would forward a reserved path written so; merged, as nginx merges them, the
    /// gateway answers it (a client joining <c>http://gateway/</c> and <c>/record</c> means <c>/record</c>).
    /// </summary>
    public static string? WithSlashesMerged(string? path)
    {
        // Every request passes here: paths without "//" (nearly all) are only searched.
        if (path is null || !path.Contains("//", StringComparison.Ordinal))
        {
            return null;
        }

        var merged = new StringBuilder(path.Length);
        foreach (char c in path)
        {
            if (c != '/' || merged.Length == 0 || merged[^1] != '/')
            {
                merged.Append(c);
            }
        }

        string candidate = merged.ToString();
        var name = candidate.AsSpan().TrimEnd('/');
        bool reserved = name.Equals(Record, StringComparison.OrdinalIgnoreCase)
            || name.Equals(Metrics, StringComparison.OrdinalIgnoreCase)
            || name.Equals(Liveness, StringComparison.OrdinalIgnoreCase)
            || name.Equals(Readiness, StringComparison.OrdinalIgnoreCase)
            || (name.StartsWith(MetricsPrefix, StringComparison.OrdinalIgnoreCase) && !name[MetricsPrefix.Length..].Contains('/'));
        return reserved ? candidate : null;
    }

    /// <summary>
    /// Endpoint order of the gateway's own endpoints: ahead of every YARP route (order 0 unless configured), so that a
    /// catch-all route cannot take them.
    /// </summary>
    public const int EndpointOrder = -1_000_000;

    /// <summary>Order of the answer for a reserved path with a method it does not serve (405), still ahead of any route.</summary>
    public const int MethodGuardOrder = EndpointOrder + 1;
}
