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
    /// Endpoint order of the gateway's own endpoints: ahead of every YARP route (order 0 unless configured), so that a
    /// catch-all route cannot take them.
    /// </summary>
    public const int EndpointOrder = -1_000_000;

    /// <summary>Order of the answer for a reserved path with a method it does not serve (405), still ahead of any route.</summary>
    public const int MethodGuardOrder = EndpointOrder + 1;
}
