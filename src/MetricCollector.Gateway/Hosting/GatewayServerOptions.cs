using System.ComponentModel.DataAnnotations;

namespace MetricCollector.Gateway.Hosting;

/// <summary>
/// Limits for slow or oversized clients, the shutdown deadline and the scheduling of requests, bound from
/// <c>Gateway:Server</c>. Kestrel's own defaults are generous for a gateway that every component talks to; these are
/// set deliberately (see docs/gateway.md).
/// </summary>
internal sealed class GatewayServerOptions
{
    /// <summary>The configuration section these options are bound from.</summary>
    public const string SectionName = "Gateway:Server";

    /// <summary>The longest <see cref="ShutdownTimeout"/> and <see cref="ShutdownDelay"/> accepted.</summary>
    internal const string MaxShutdownTime = "00:10:00";

    /// <summary>Total size of a request's headers (default 32 KiB; Kestrel's is 32 KiB too, stated here on purpose); beyond it, 431.</summary>
    [Range(1024, 1024 * 1024)]
    public int MaxRequestHeadersTotalSize { get; set; } = 32 * 1024;

    /// <summary>Most headers in one request (default 100); beyond it, 431.</summary>
    [Range(1, 10_000)]
    public int MaxRequestHeaderCount { get; set; } = 100;

    /// <summary>Longest request line, method + target + version (default 8 KiB); beyond it, 414.</summary>
    [Range(256, 1024 * 1024)]
    public int MaxRequestLineSize { get; set; } = 8 * 1024;

    /// <summary>How long a client may take to send its headers (default 15 s; Kestrel's is 30 s): a slow-loris client is cut off.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")]
    public TimeSpan RequestHeadersTimeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>How long an idle keep-alive connection stays open (default 130 s, above common load balancers' 60-120 s so they close first).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan KeepAliveTimeout { get; set; } = TimeSpan.FromSeconds(130);

    /// <summary>Slowest body upload accepted after <see cref="MinBodyDataRateGracePeriod"/> (default 240 bytes/s, Kestrel's); 0 turns the check off.</summary>
    [Range(0, 1024 * 1024 * 1024)]
    public double MinRequestBodyBytesPerSecond { get; set; } = 240;

    /// <summary>Grace period before <see cref="MinRequestBodyBytesPerSecond"/> applies (default 5 s; Kestrel needs more than 1 s).</summary>
    [Range(typeof(TimeSpan), "00:00:02", "00:10:00")]
    public TimeSpan MinBodyDataRateGracePeriod { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How long a graceful shutdown waits for in-flight requests (proxied ones included) before the snapshot is written
    /// (default 30 s); it starts after <see cref="ShutdownDelay"/>.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", MaxShutdownTime)]
    public TimeSpan ShutdownTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How long, on a stop signal, the gateway answers <c>/readyz</c> 503 while still serving everything else before it
    /// closes connections (default 0: it closes them at once), so that Kubernetes and load balancers stop sending to it
    /// first. The drain (<see cref="ShutdownTimeout"/>) follows it, with its full time.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", MaxShutdownTime)]
    public TimeSpan ShutdownDelay { get; set; } = TimeSpan.Zero;

    /// <summary>
    /// Runs each request on the socket thread that read it instead of handing it to the thread pool (Kestrel's
    /// <c>UnsafePreferInlineScheduling</c>, with .NET's inline socket completions; default false). For instances that
    /// take mostly single-record pushes: those measured 15-30% more records/s at a fifth less CPU each (their p99 up by
    /// about half), while proxied requests gained nothing, their p99 rose by a third to a half during scrapes, and
    /// batches of 1000 waited up to ten times longer at p99: a long request holds its socket thread and every
    /// connection on it (docs/gateway.md).
    /// </summary>
    public bool InlineScheduling { get; set; }
}
