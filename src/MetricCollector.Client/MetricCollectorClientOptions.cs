using System.ComponentModel.DataAnnotations;

namespace MetricCollector.Client;

/// <summary>Settings of the client, bound from the <c>MetricCollectorClient</c> configuration section and validated at start-up.</summary>
public sealed class MetricCollectorClientOptions
{
    /// <summary>The configuration section these options are bound from.</summary>
    public const string SectionName = "MetricCollectorClient";

    /// <summary>The collector's base address (<c>http://metric-collector-gateway.metric-collector</c>); batches go to <c>record</c> below it.</summary>
    [Required]
    public Uri? Endpoint { get; set; }

    /// <summary>
    /// The component's API key, sent as <c>Authorization: Bearer &lt;key&gt;</c> with every batch; null (the default)
    /// sends none, for a collector without keys. The collector's keys are at least 16 characters: a shorter key, or one
    /// with anything but visible ASCII (a space, a line feed), stops the host at start-up. Keep it out of source
    /// control: <c>MetricCollectorClient__ApiKey</c> in the environment or a secrets store.
    /// </summary>
    public string? ApiKey { get; set; }

    /// <summary>
    /// The most records in one batch (default 500). The collector refuses batches over its <c>MaxBatchSize</c> (1000 by
    /// default) with 413, so keep this below it.
    /// </summary>
    [Range(1, 1000)]
    public int BatchSize { get; set; } = 500;

    /// <summary>
    /// The largest body of one batch, in bytes (default 1,048,576): a batch is closed before it would grow past it. The
    /// collector refuses a body over its <c>MaxBodyBytes</c> (1 MiB by default) whole with 413, so keep this at or below
    /// it. A busy histogram's record (1000 observations) is about 20 kB; one record larger than this is sent alone.
    /// </summary>
    [Range(1024, 64 * 1024 * 1024)]
    public int MaxBatchBytes { get; set; } = 1024 * 1024;

    /// <summary>How often the sender takes what was recorded and sends it (default 1 s).</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "01:00:00")]
    public TimeSpan FlushInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How often every counter and gauge is sent even when it did not change (default 1 min): a gauge with its latest
    /// value, a counter with an increment of 0. A collector that restarted without a snapshot has forgotten them, and
    /// one with a <c>SeriesTimeToLive</c> would let a series expire while the component still holds it; within this
    /// interval of its return each is there again. <c>00:00:00</c> sends only what changed.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "1.00:00:00")]
    public TimeSpan RefreshInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// The most histogram and summary observations buffered between flushes (default 100,000, 16 bytes each); beyond it
    /// the oldest are dropped and counted. Counters and gauges take no room here: they are summed or overwritten in place.
    /// </summary>
    [Range(1, 10_000_000)]
    public int ObservationCapacity { get; set; } = 100_000;

    /// <summary>How long one attempt to send a batch may take before it counts as failed (default 5 s).</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:10:00")]
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How many times a batch is sent again at once after a transient failure (default 3); after that it waits for the
    /// next flush and is sent again, with the same <c>Idempotency-Key</c>, until it is delivered.
    /// </summary>
    [Range(0, 100)]
    public int MaxRetryAttempts { get; set; } = 3;

    /// <summary>The first retry's delay (default 200 ms), doubled on each further attempt, with jitter.</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "00:10:00")]
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>The longest wait between attempts (default 30 s), also for a longer <c>Retry-After</c> from the collector.</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "01:00:00")]
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The share of failed attempts, within <see cref="CircuitBreakerSamplingDuration"/>, that opens the circuit (default 0.5).</summary>
    [Range(0.01, 1.0)]
    public double CircuitBreakerFailureRatio { get; set; } = 0.5;

    /// <summary>The fewest attempts within the sampling duration before the circuit may open (default 4).</summary>
    [Range(2, 10_000)]
    public int CircuitBreakerMinimumThroughput { get; set; } = 4;

    /// <summary>The window over which failures are counted (default 30 s).</summary>
    [Range(typeof(TimeSpan), "00:00:00.500", "01:00:00")]
    public TimeSpan CircuitBreakerSamplingDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long an open circuit refuses every attempt at once (default 15 s) before one is let through to test the collector.</summary>
    [Range(typeof(TimeSpan), "00:00:00.500", "01:00:00")]
    public TimeSpan CircuitBreakerBreakDuration { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>How long stopping the client may spend sending what is still buffered (default 5 s); what is left then is counted as dropped.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:10:00")]
    public TimeSpan ShutdownTimeout { get; set; } = TimeSpan.FromSeconds(5);
}
