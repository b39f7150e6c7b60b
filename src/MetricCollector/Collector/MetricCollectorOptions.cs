using System.ComponentModel.DataAnnotations;

namespace MetricCollector.Collector;

/// <summary>Settings of the collector, bound from the <c>MetricCollector</c> configuration section.</summary>
public sealed class MetricCollectorOptions
{
    /// <summary>The configuration section these options are bound from.</summary>
    public const string SectionName = "MetricCollector";

    /// <summary>The largest <c>POST /record</c> body accepted, in bytes (default 1 MiB); larger ones get 413.</summary>
    [Range(1024, 256 * 1024 * 1024)]
    public int MaxBodyBytes { get; set; } = 1024 * 1024;

    /// <summary>The most records one batch may hold (default 1000); more gets 413.</summary>
    [Range(1, 1_000_000)]
    public int MaxBatchSize { get; set; } = 1000;

    /// <summary>
    /// The most series all pushed metrics together may hold (default 100,000, about 65 MB). At the limit, records that
    /// would create a new series are refused with 422; existing series keep working.
    /// </summary>
    [Range(1, 10_000_000)]
    public int MaxSeries { get; set; } = 100_000;

    /// <summary>
    /// The most metric names pushed records may define (default 10,000). At the limit, a record of a new name is refused
    /// with 422; names already defined keep working.
    /// </summary>
    [Range(1, 1_000_000)]
    public int MaxMetrics { get; set; } = 10_000;

    /// <summary>
    /// The most series one pushed metric may hold (default 10,000): one component exploding a label's values cannot
    /// take the whole <see cref="MaxSeries"/> budget from the others. At the limit, new series of that metric get 422.
    /// </summary>
    [Range(1, 10_000_000)]
    public int MaxSeriesPerMetric { get; set; } = 10_000;

    /// <summary>The most labels one record may carry (default and upper bound 32, the schema's bound); more gets 400.</summary>
    [Range(0, 32)]
    public int MaxLabelsPerRecord { get; set; } = 32;

    /// <summary>The longest label value accepted, in characters (default and upper bound 1024, the schema's bound); longer gets 400.</summary>
    [Range(1, 1024)]
    public int MaxLabelValueLength { get; set; } = 1024;

    /// <summary>
    /// How long a pushed series lives without updates before it disappears from the exposition, unless its records
    /// give <c>ttl_seconds</c>; null (the default) keeps series until they are deleted.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "30.00:00:00")]
    public TimeSpan? SeriesTimeToLive { get; set; }

    /// <summary>How often expired series are removed to free their memory (default 10 s); a scrape also removes them first.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "01:00:00")]
    public TimeSpan ExpiryScanInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Where pushed series are saved so that they survive a restart (null, the default: not saved). Written at
    /// <see cref="SnapshotInterval"/> and on graceful shutdown, read at start-up; a corrupt file is set aside.
    /// </summary>
    public string? SnapshotPath { get; set; }

    /// <summary>How often the snapshot is written (default 30 s): at most this much is lost in a crash.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan SnapshotInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The histogram buckets used when neither a record nor the configuration gives any: prometheus-net's, 5 ms to 10 s.</summary>
    public static IReadOnlyList<double> BuiltInBuckets { get; } = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10];

    /// <summary>Histogram buckets used when a record gives none; null for <see cref="BuiltInBuckets"/>.</summary>
    /// <remarks>
    /// Null by default because the configuration binder overwrites an array's elements index by index: configured
    /// buckets would otherwise be followed by the rest of the built-in ones.
    /// </remarks>
#pragma warning disable CA1819 // Bound from configuration.
    public double[]? DefaultBuckets { get; set; }
#pragma warning restore CA1819

    /// <summary>The configured default buckets, or the built-in ones.</summary>
    internal IReadOnlyList<double> EffectiveDefaultBuckets => DefaultBuckets ?? BuiltInBuckets;

    /// <summary>How far back summaries look when they compute quantiles (default 10 minutes).</summary>
    [Range(typeof(TimeSpan), "00:00:10", "1.00:00:00")]
    public TimeSpan SummaryMaxAge { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// How many rejected records are logged at warning level per minute (default 20); the rest are counted and
    /// reported in one summary line, so a misbehaving client cannot flood the log.
    /// </summary>
    [Range(0, 100_000)]
    public int RejectionWarningsPerMinute { get; set; } = 20;

    /// <summary>
    /// How long the collector remembers an <c>Idempotency-Key</c> and the answer it gave (default 10 minutes): a body
    /// sent again with the same key within this time gets the first answer again and is not applied twice; after it,
    /// the body is applied again. Choose it longer than the outages senders ride out.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan IdempotencyWindow { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// The most <c>Idempotency-Key</c>s remembered at once (default 100,000, a few hundred bytes each for accepted
    /// batches); beyond it the oldest are forgotten before their window ends.
    /// </summary>
    [Range(1, 10_000_000)]
    public int IdempotencyMaxKeys { get; set; } = 100_000;

    /// <summary>
    /// The most memory the remembered answers may take, estimated (default 64 MiB); beyond it the oldest keys are
    /// forgotten before their window ends. An answer naming every refused record of a batch of 1000 takes about
    /// 0.8 MB, so the key count alone does not bound the memory.
    /// </summary>
    [Range(typeof(long), "1048576", "9223372036854775807")]
    public long IdempotencyMaxBytes { get; set; } = 64L * 1024 * 1024;
}
