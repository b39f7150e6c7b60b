using System.Collections.Concurrent;
using MetricCollector.Exposition;
using MetricCollector.Recording;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Prometheus;

namespace MetricCollector.Collector;

/// <summary>
/// The collector: its own metrics and the host's counters and gauges live in a prometheus-net registry of their own;
/// pushed metrics and the host's histograms (<see cref="CreateHostHistogram"/>) are kept outside it, one small
/// <see cref="ValueSeries"/>, <see cref="HistogramSeries"/> or <see cref="SummarySeries"/> each, and written after the
/// registry's families by <see cref="PushedExpositionWriter"/>, byte for byte as prometheus-net would.
/// prometheus-net silently accepts a second label set for a name and ignores changed buckets, so this class keeps the
/// definition table and refuses every clash itself.
/// </summary>
internal sealed partial class PrometheusMetricCollector : IMetricCollector, IDisposable
{
    private readonly ConcurrentDictionary<string, IPushedMetric> _metrics = new(StringComparer.Ordinal);

    // Every exposition name a pushed metric occupies, and its owner; written only under _defineLock.
    private readonly Dictionary<string, IPushedMetric> _claims = new(StringComparer.Ordinal);

    // Pushed names (with or without a counter's "_total") to their metric; only names of defined metrics get in.
    private readonly ConcurrentDictionary<string, IPushedMetric> _byPushedName = new(StringComparer.Ordinal);

    // Label values are gathered here for the series lookup; a series that is created copies them.
    [ThreadStatic]
    private static string[]?[]? t_labelScratch;
    private static readonly Dictionary<string, string> NoMatchers = new(0);

    // The pushed families the collector writes itself, in the order they were defined; replaced (copy on write) under
    // _defineLock, so a scrape reads a consistent array without a lock.
    private volatile PushedFamily[] _pushedFamilies = [];

    // The pushed metrics in the order they were defined, summaries too, for snapshots: a restore defines them again in
    // this order, so /metrics writes the families as before; each with its family. Changed only under _defineLock.
    private readonly List<NewMetric> _definitionOrder = [];

    // The host's histograms (CreateHostHistogram) by every exposition name they write, and their families in creation
    // order, written before the pushed ones; both changed only under _defineLock, the array copy on write.
    private readonly Dictionary<string, HostHistogram> _hostClaims = new(StringComparer.Ordinal);
    private volatile PushedFamily[] _hostFamilies = [];

    // Every exposition name a metric made through Factory writes, and that metric's name; written only under _defineLock.
    private readonly Dictionary<string, string> _registryClaims = new(StringComparer.Ordinal);

    // Set once a record carries ttl_seconds: until then, with no configured TTL, there is nothing to scan for.
    private volatile bool _anyRecordTimeToLive;
    private readonly Lock _defineLock = new();

    private readonly MetricCollectorOptions _options;
    private readonly SelfMetrics _self;
    private readonly RejectionLog _rejectionLog;
    private readonly ILogger _logger;
    private readonly SeriesBudget _budget;
    private readonly TimeProvider _time;
    private readonly long? _defaultTimeToLive;
    private readonly System.Threading.ITimer _expiryTimer;

    public PrometheusMetricCollector(IOptions<MetricCollectorOptions> options, ILogger<PrometheusMetricCollector> logger, TimeProvider time)
    {
        _options = options.Value;
        _logger = logger;
        _time = time;
        _defaultTimeToLive = _options.SeriesTimeToLive is { } ttl ? ToTicks(ttl) : null;
        _anyRecordTimeToLive = _defaultTimeToLive is not null;
        Registry = Metrics.NewCustomRegistry();
        // Exemplars would carry the trace of whichever POST last touched a series: noise to a scraper, cost to us.
        var factory = Metrics.WithCustomRegistry(Registry);
        factory.ExemplarBehavior = ExemplarBehavior.NoExemplars();
        Factory = new ClaimingMetricFactory(factory, this);
        _budget = new SeriesBudget(_options.MaxSeries);
        _self = new SelfMetrics(Factory);
        _self.SeriesLimit.Set(_budget.Limit);
        _rejectionLog = new RejectionLog(logger, time, _options.RejectionWarningsPerMinute);
        // A scrape removes expired series first, so /metrics never shows one; the timer frees memory between scrapes.
        Registry.AddBeforeCollectCallback(BeforeCollect);
        _expiryTimer = time.CreateTimer(static state => ((PrometheusMetricCollector)state!).RemoveExpired(), this, _options.ExpiryScanInterval, _options.ExpiryScanInterval);
    }

    public CollectorRegistry Registry { get; }

    public IMetricFactory Factory { get; }

    public ValueTask<RecordOutcome> RecordAsync(MetricRecord record, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(record);
        cancellationToken.ThrowIfCancellationRequested();
        return ValueTask.FromResult(Record(record));
    }

    public async Task WriteExpositionAsync(Stream destination, MetricsFormat format, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(destination);
        _self.CountScrape(format);
        // The registry first: its before-collect callback removes expired series, so neither part shows one.
        if (format == MetricsFormat.OpenMetrics)
        {
            // prometheus-net ends its output with "# EOF"; the pushed families must come before that line.
            var registryPart = new EofWithholdingStream(destination);
            await Registry.CollectAndExportAsTextAsync(registryPart, ExpositionFormat.OpenMetricsText, cancellationToken).ConfigureAwait(false);
            await registryPart.CompleteAsync(cancellationToken).ConfigureAwait(false);
        }
        else
        {
            await Registry.CollectAndExportAsTextAsync(destination, ExpositionFormat.PrometheusText, cancellationToken).ConfigureAwait(false);
        }

        await PushedExpositionWriter.WriteAsync(destination, [_hostFamilies, _pushedFamilies], format == MetricsFormat.OpenMetrics, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// A histogram of the host's own, kept in the collector's store so that every scrape shows each series' buckets,
    /// count and sum from one moment (see <see cref="HostHistogram"/>), written after the registry's families. Asked
    /// again with the same labels and buckets, returns the same histogram, as prometheus-net's factory does. Refuses a
    /// name that another host histogram or a metric made through <see cref="Factory"/> writes, since the registry and
    /// the host histograms are written apart; a metric made on <see cref="Registry"/> without <see cref="Factory"/> is
    /// not seen (see <see cref="IMetricCollector.Registry"/>).
    /// </summary>
    /// <param name="name">A name under a prefix pushed records may not use (<c>gateway_</c>, <c>metric_collector_</c>).</param>
    /// <param name="help">The <c># HELP</c> text.</param>
    /// <param name="labelNames">The label names, in the order <see cref="HostHistogram.WithLabels"/> takes values; none reserved (<c>__</c>, <c>le</c>) or repeated.</param>
    /// <param name="buckets">At least one finite, strictly increasing upper bound, each &gt;= 0; +Inf is implicit.</param>
    /// <exception cref="ArgumentException">A name, label name or bucket <see cref="HostHistogram.Define"/> refuses, or a name under no reserved prefix.</exception>
    /// <exception cref="InvalidOperationException">The name exists with other labels or buckets, or another metric writes one of its names.</exception>
    internal HostHistogram CreateHostHistogram(string name, string help, string[] labelNames, double[] buckets)
    {
        var definition = HostHistogram.Define(name, help, labelNames, buckets);
        if (ExpositionNames.ReservedPrefixOf(name) is null)
        {
            throw new ArgumentException($"a host histogram's name must start with one of {string.Join(", ", ExpositionNames.ReservedPrefixes)}, so that no pushed metric can take it.", nameof(name));
        }

        string[] claimed = ExpositionNames.Claimed(name, MetricType.Histogram);
        lock (_defineLock)
        {
            if (_hostClaims.TryGetValue(name, out var existing) && existing.Definition.Name == name)
            {
                if (!SequenceEqual(existing.Definition.LabelNames, definition.LabelNames) || !SequenceEqual(existing.Definition.Buckets!, definition.Buckets!))
                {
                    throw new InvalidOperationException($"host histogram {name} exists with other labels or buckets.");
                }

                return existing;
            }

            foreach (string exposed in claimed)
            {
                string? owner = _hostClaims.TryGetValue(exposed, out var other) ? "host histogram " + other.Definition.Name
                    : _registryClaims.TryGetValue(exposed, out string? made) ? made + ", made through Factory,"
                    : null;
                if (owner is not null)
                {
                    throw new InvalidOperationException($"host histogram {name} would write {exposed}, which {owner} writes already: /metrics would hold the family twice.");
                }
            }

            var histogram = new HostHistogram(definition);
            foreach (string exposed in claimed)
            {
                _hostClaims.Add(exposed, histogram);
            }

            _hostFamilies = [.. _hostFamilies, histogram.Family];
            return histogram;
        }
    }

    /// <summary>
    /// Makes a metric in the registry for <see cref="Factory"/>, unless it would write a name a host histogram writes;
    /// notes the names it writes, so that no later host histogram takes one.
    /// </summary>
    /// <exception cref="InvalidOperationException">A host histogram writes one of the metric's names.</exception>
    internal T CreateInRegistry<T>(string name, MetricType type, Func<T> create)
    {
        ArgumentNullException.ThrowIfNull(name);
        string[] claimed = ExpositionNames.Claimed(ExpositionNames.Exposed(name, type), type);
        lock (_defineLock)
        {
            foreach (string exposed in claimed)
            {
                if (_hostClaims.TryGetValue(exposed, out var owner))
                {
                    throw new InvalidOperationException($"{name} would write {exposed}, which host histogram {owner.Definition.Name} writes already: /metrics would hold the family twice.");
                }
            }

            // Made under the lock, so that no host histogram takes a name between the check and the note; noted once made.
            T metric = create();
            foreach (string exposed in claimed)
            {
                _registryClaims.TryAdd(exposed, name);
            }

            return metric;
        }
    }

    /// <summary>Applies a record and counts the outcome in the self-metrics.</summary>
    public RecordOutcome Record(MetricRecord record)
    {
        var rejection = RecordUncounted(record, Now);
        if (rejection is null)
        {
            CountAccepted(1);
        }

        return rejection is null ? RecordOutcome.Accepted : new RecordOutcome(rejection);
    }

    /// <summary>
    /// Applies a record and counts a refusal, but leaves counting an accepted record to the caller: a batch counts
    /// its accepted records once (<see cref="CountAccepted"/>) rather than contending for the counter on every record.
    /// </summary>
    /// <param name="record">The record.</param>
    /// <param name="now">
    /// When its series is updated (<see cref="Now"/>): a batch reads the clock once for all its records, which a time to
    /// live measured in seconds cannot tell apart.
    /// </param>
    internal RecordRejection? RecordUncounted(MetricRecord record, long now)
    {
        var rejection = RecordValidator.Validate(record) ?? CheckConfiguredLimits(record) ?? Apply(record, now);
        if (rejection is not null)
        {
            Reject(rejection);
            return rejection;
        }

        LogAccepted(_logger, record.Name);
        return null;
    }

    /// <summary>Counts records applied by <see cref="RecordUncounted"/>.</summary>
    internal void CountAccepted(int count) => _self.CountAccepted(count);

    /// <summary>Counts a body answered with the result of an earlier one that carried the same <c>Idempotency-Key</c>.</summary>
    public void CountIdempotentReplay() => _self.CountIdempotentReplay();

    /// <summary>Counts and logs a rejection that happened before a record could be built (bad JSON, schema, limits).</summary>
    public void Reject(RecordRejection rejection)
    {
        _self.CountRejected(rejection.Reason);
        _rejectionLog.Rejected(rejection);
    }

    private RecordRejection? Apply(MetricRecord record, long now)
    {
        var spin = default(SpinWait);
        while (true)
        {
            // The name as sent finds the metric without building its exposed name (a counter's "_total") on every record.
            NewMetric? defined = null;
            if (!_byPushedName.TryGetValue(record.Name, out var metric) || metric.Definition.Type != record.Type)
            {
                string exposedName = ExpositionNames.Exposed(record.Name, record.Type);
                if (!_metrics.TryGetValue(exposedName, out metric))
                {
                    metric = Define(record, exposedName, out var rejection, out defined);
                    if (metric is null)
                    {
                        return rejection;
                    }
                }

                // Only a metric of the record's type: a counter "x" finds a gauge "x_total" too, and is refused; cached,
                // it sent every later gauge "x" to "x_total" (a review's fuzzer).
                if (metric.Definition.Type == record.Type)
                {
                    _byPushedName.TryAdd(record.Name, metric);
                }
            }

            var definition = metric.Definition;
            var conflict = FindConflict(definition, record, out string[]? labelValues);
            if (conflict is not null)
            {
                if (metric.IsWithdrawn)
                {
                    // Withdrawn meanwhile (its defining record refused, or its last series expired): it defines
                    // nothing, so it refuses nothing. The lookup entry this or an earlier record left goes too.
                    _byPushedName.TryRemove(new KeyValuePair<string, IPushedMetric>(record.Name, metric));
                    spin.SpinOnce();
                    continue;
                }

                return conflict;
            }

            long? timeToLive = null;
            if (record.TimeToLive is { } ttl)
            {
                timeToLive = ToTicks(ttl);
                if (!_anyRecordTimeToLive)
                {
                    _anyRecordTimeToLive = true;
                }
            }

            // A series keeps the ttl_seconds its records last gave it; one never given any follows SeriesTimeToLive.
            var result = metric.TryApply(record, labelValues!, now, timeToLive);
            if (result == SeriesApplyResult.Applied)
            {
                return null;
            }

            if (result == SeriesApplyResult.Withdrawn)
            {
                // A record that defined the metric was refused and withdrew it while this one held it: drop a lookup
                // entry this record may have added back, and look the name up afresh (it is defined anew if need be).
                _byPushedName.TryRemove(new KeyValuePair<string, IPushedMetric>(record.Name, metric));
                spin.SpinOnce();
                continue;
            }

            // Only an accepted record fixes a definition: one this record made goes again, unless a racing record has
            // put a series in it meanwhile.
            if (defined is not null)
            {
                Withdraw(defined);
            }

            if (result == SeriesApplyResult.ValueOverflow)
            {
                return Overflow(definition, record);
            }

            return result == SeriesApplyResult.MetricSeriesLimit
                ? new RecordRejection(RejectionReason.MetricSeriesLimit, "/labels",
                    $"metric '{definition.Name}' holds its limit of {_options.MaxSeriesPerMetric} series; records that would create a new series of it are refused until series expire or are deleted, while existing series keep working. A label with unbounded values (ids, timestamps) is the usual cause.")
                : new RecordRejection(RejectionReason.SeriesLimit, "/labels",
                    $"the collector holds its limit of {_budget.Limit} series; records that would create a new series are refused until series are removed, while existing series keep working.");
        }
    }

    /// <summary>
    /// Undoes <see cref="Register"/> for a metric that no series was ever created in: its names, family and slot are
    /// free again, as if it had never been defined. Does nothing once a series was created in it.
    /// </summary>
    private void Withdraw(NewMetric defined)
    {
        lock (_defineLock)
        {
            // Under the metric's own lock, so that no racing record creates a series in it from now on.
            if (defined.Metric.TryWithdraw())
            {
                Forget(defined);
            }
        }
    }

    /// <summary>
    /// Forgets the metrics whose last series just expired, as if they had never been defined: a workload of short-lived
    /// names with <c>ttl_seconds</c> kept every name's slot, type and empty family for ever (snapshots included), and
    /// then refused every new name for the metric limit while holding no series.
    /// </summary>
    private void WithdrawEmpty(List<IPushedMetric> emptied)
    {
        lock (_defineLock)
        {
            foreach (var metric in emptied)
            {
                int index = _definitionOrder.FindIndex(defined => ReferenceEquals(defined.Metric, metric));
                // A record may have put a series in it since its last one expired: then it stays.
                if (index >= 0 && metric.TryWithdrawEmpty())
                {
                    Forget(_definitionOrder[index]);
                }
            }
        }
    }

    /// <summary>Frees a withdrawn metric's names, family and slot; called under <c>_defineLock</c>.</summary>
    private void Forget(NewMetric defined)
    {
        var metric = defined.Metric;
        var definition = metric.Definition;
        _metrics.TryRemove(new KeyValuePair<string, IPushedMetric>(definition.Name, metric));
        _definitionOrder.Remove(defined);
        foreach (string name in ExpositionNames.Claimed(definition.Name, definition.Type))
        {
            if (_claims.TryGetValue(name, out var owner) && ReferenceEquals(owner, metric))
            {
                _claims.Remove(name);
            }
        }

        var families = _pushedFamilies;
        var kept = new PushedFamily[families.Length - 1];
        int index = 0;
        foreach (var each in families)
        {
            if (!ReferenceEquals(each, defined.Family))
            {
                kept[index++] = each;
            }
        }

        _pushedFamilies = kept;

        // Records that found the metric meanwhile may add an entry back; they drop it when refused as Withdrawn.
        _byPushedName.TryRemove(new KeyValuePair<string, IPushedMetric>(definition.Name, metric));
        if (definition.Type == MetricType.Counter && definition.Name.EndsWith("_total", StringComparison.Ordinal))
        {
            _byPushedName.TryRemove(new KeyValuePair<string, IPushedMetric>(definition.Name[..^"_total".Length], metric));
        }
    }

    /// <summary>A metric a record has just added, and its family.</summary>
    private sealed record NewMetric(IPushedMetric Metric, PushedFamily Family);

    /// <summary>The limits an operator may set tighter than the schema's bounds.</summary>
    private RecordRejection? CheckConfiguredLimits(MetricRecord record)
    {
        if (record.Labels.Count > _options.MaxLabelsPerRecord)
        {
            return new RecordRejection(RejectionReason.TooManyLabels, "/labels",
                $"the record carries {record.Labels.Count} labels; this collector accepts at most {_options.MaxLabelsPerRecord}.");
        }

        var labels = LabelSet.Of(record.Labels);
        for (int i = 0; i < labels.Count; i++)
        {
            if (CheckValueLength(labels.NameAt(i), labels.ValueAt(i)) is { } rejection)
            {
                return rejection;
            }
        }

        return null;
    }

    private RecordRejection? CheckValueLength(string name, string value) =>
        RecordValidator.LabelValueProblem(name, value, _options.MaxLabelValueLength) is { } problem
            ? new RecordRejection(RejectionReason.LabelValueTooLong, "/labels/" + JsonPointer.Escape(name), problem)
            : null;

    /// <summary>The label names of a pushed metric, sorted ordinally; null when no pushed metric has that name.</summary>
    /// <param name="name">The metric name as pushed, or as exposed (counters with <c>_total</c>).</param>
    public IReadOnlyList<string>? LabelNamesOf(string name) => Find(name)?.Definition.LabelNames;

    /// <summary>
    /// Removes the series of a pushed metric whose labels have the given values, or all its series when there are no
    /// matchers; null when no pushed metric has that name. The metric's definition stays.
    /// </summary>
    /// <param name="name">The metric name as pushed, or as exposed (counters with <c>_total</c>).</param>
    /// <param name="matchers">Label names and the values a removed series must have.</param>
    public int? Delete(string name, IReadOnlyDictionary<string, string> matchers)
    {
        if (Find(name) is not { } metric)
        {
            return null;
        }

        int removed = metric.RemoveMatching(matchers);
        _self.CountRemoved(SeriesRemoval.Deleted, removed);
        LogDeleted(_logger, metric.Definition.Name, removed);
        return removed;
    }

    /// <summary>The pushed metric named <paramref name="name"/> as pushed, or as exposed (counters with <c>_total</c>).</summary>
    private IPushedMetric? Find(string name) =>
        _metrics.TryGetValue(name, out var metric)
        // Only a counter is exposed under another name than it was pushed as: "g" is not a gauge named "g_total".
        || (_metrics.TryGetValue(name + "_total", out metric) && metric.Definition.Type == MetricType.Counter) ? metric : null;

    /// <summary>Removes every pushed series; definitions stay. Returns how many series were removed.</summary>
    public int Wipe()
    {
        int removed = 0;
        foreach (var (_, metric) in _metrics)
        {
            removed += metric.RemoveMatching(NoMatchers);
        }

        _self.CountRemoved(SeriesRemoval.Wiped, removed);
        LogWiped(_logger, removed);
        return removed;
    }

    /// <summary>Removes the series whose time to live has passed.</summary>
    public void RemoveExpired()
    {
        if (!_anyRecordTimeToLive)
        {
            return;
        }

        long now = _time.GetTimestamp();
        int removed = 0;
        List<IPushedMetric>? emptied = null;
        foreach (var (_, metric) in _metrics)
        {
            int expired = metric.RemoveExpired(now, DefaultTimeToLive);
            removed += expired;
            if (expired > 0 && metric.SeriesCount == 0)
            {
                (emptied ??= []).Add(metric);
            }
        }

        if (emptied is not null)
        {
            WithdrawEmpty(emptied);
        }

        if (removed > 0)
        {
            _self.CountRemoved(SeriesRemoval.Expired, removed);
            LogExpired(_logger, removed);
        }
    }

    public void Dispose() => _expiryTimer.Dispose();

    /// <summary>Series currently held by pushed metrics.</summary>
    public int SeriesCount => _budget.Used;

    /// <summary>Series removed since start, for whatever cause.</summary>
    public double RemovedSeries => _self.RemovedSeries;

    private long ToTicks(TimeSpan timeToLive) => (long)(timeToLive.TotalSeconds * _time.TimestampFrequency);

    /// <summary>Compares a record with an existing definition and orders its label values by the definition's names.</summary>
    private static RecordRejection? FindConflict(MetricDefinition definition, MetricRecord record, out string[]? labelValues)
    {
        labelValues = null;
        if (definition.Type != record.Type)
        {
            return Conflict(definition, "/metric_type",
                $"metric '{definition.Name}' is a {TypeNames.Of(definition.Type)}; it cannot be recorded as a {TypeNames.Of(record.Type)}.");
        }

        var names = definition.LabelNames;
        if (record.Labels.Count != names.Count)
        {
            return LabelConflict(definition);
        }

        var values = LabelScratch(names.Count);
        for (int i = 0; i < names.Count; i++)
        {
            if (!record.Labels.TryGetValue(names[i], out string? value))
            {
                return LabelConflict(definition);
            }

            values[i] = value;
        }

        if (record.Buckets is { } buckets && !SequenceEqual(buckets, definition.Buckets!))
        {
            return Conflict(definition, "/buckets",
                $"histogram '{definition.Name}' has buckets [{string.Join(", ", definition.Buckets!)}]; omit buckets or send the same ones.");
        }

        if (record.Objectives is { } objectives && !SameObjectives(objectives, definition.Objectives!))
        {
            return Conflict(definition, "/objectives",
                $"summary '{definition.Name}' has other objectives; omit objectives or send the same ones.");
        }

        labelValues = values;
        return null;
    }

    private IPushedMetric? Define(MetricRecord record, string exposedName, out RecordRejection? rejection, out NewMetric? created) =>
        Register(NewDefinition(record, exposedName), out rejection, out created);

    /// <summary>
    /// Adds a metric with <paramref name="definition"/>, or returns the one already under its name (whatever its
    /// definition: the caller compares); null, with the rejection, for a reserved name, beyond the metric limit, or
    /// when one of its exposition names is another metric's. <paramref name="created"/> is set when this call added it.
    /// </summary>
    private IPushedMetric? Register(MetricDefinition definition, out RecordRejection? rejection, out NewMetric? created)
    {
        rejection = null;
        created = null;
        string[] claimed = ExpositionNames.Claimed(definition.Name, definition.Type);
        // Every name the metric would write: a histogram named "gateway" writes gateway_bucket, gateway_sum, gateway_count.
        foreach (string name in claimed)
        {
            if (ExpositionNames.ReservedPrefixOf(name) is { } reservedPrefix)
            {
                rejection = new RecordRejection(RejectionReason.ReservedName, "/metric_name", name == definition.Name
                    ? $"names starting with '{reservedPrefix}' are reserved for the gateway's own metrics."
                    : $"{TypeNames.Of(definition.Type)} '{definition.Name}' would expose '{name}'; names starting with '{reservedPrefix}' are reserved for the gateway's own metrics.");
                return null;
            }
        }

        lock (_defineLock)
        {
            if (_metrics.TryGetValue(definition.Name, out var existing))
            {
                return existing;
            }

            if (_metrics.Count >= _options.MaxMetrics)
            {
                rejection = new RecordRejection(RejectionReason.MetricLimit, "/metric_name",
                    $"the collector holds its limit of {_options.MaxMetrics} metric names; records of new names are refused, while existing metrics keep working.");
                return null;
            }

            foreach (string name in claimed)
            {
                if (_claims.TryGetValue(name, out var owner))
                {
                    rejection = Collision(owner.Definition, definition, name);
                    return null;
                }
            }

            created = Create(definition);
            var metric = created.Metric;
            _pushedFamilies = [.. _pushedFamilies, created.Family];
            foreach (string name in claimed)
            {
                _claims.Add(name, metric);
            }

            _metrics[definition.Name] = metric;
            _definitionOrder.Add(created);
            return metric;
        }
    }

    /// <summary>The pushed metrics in the order they were defined (the order of their families in /metrics), for snapshots.</summary>
    internal IReadOnlyList<IPushedMetric> PushedMetrics
    {
        get
        {
            lock (_defineLock)
            {
                var metrics = new IPushedMetric[_definitionOrder.Count];
                for (int i = 0; i < metrics.Length; i++)
                {
                    metrics[i] = _definitionOrder[i].Metric;
                }

                return metrics;
            }
        }
    }

    /// <summary>
    /// <c>SeriesTimeToLive</c> in timestamp ticks, 0 for none: what a series without a time to live of its own expires
    /// by, in the expiry scan and in a restore judging whether it expired while the gateway was down.
    /// </summary>
    internal long DefaultTimeToLive => _defaultTimeToLive ?? 0;

    /// <summary>Forgets a restored metric whose every series expired while the gateway was down, as the expiry scan would have.</summary>
    internal void ForgetIfEmpty(IPushedMetric metric) => WithdrawEmpty([metric]);

    /// <summary>Converts between timestamp ticks and seconds for snapshots.</summary>
    internal long TimestampFrequency => _time.TimestampFrequency;

    internal long Now => _time.GetTimestamp();

    /// <summary>The wall-clock time, for the downtime between a snapshot and its restore.</summary>
    internal DateTimeOffset UtcNow => _time.GetUtcNow();

    /// <summary>
    /// Defines a metric from a snapshot, or returns the existing one when it has the same type and labels; null, with
    /// the reason, otherwise.
    /// </summary>
    internal IPushedMetric? DefineRestored(MetricDefinition definition, out string? problem)
    {
        var metric = Register(definition, out var rejection, out _);
        problem = rejection?.Detail;
        if (metric is not null && (metric.Definition.Type != definition.Type || !SequenceEqual(metric.Definition.LabelNames, definition.LabelNames)
            || (definition.Type == MetricType.Histogram && !SequenceEqual(metric.Definition.Buckets!, definition.Buckets!))
            || (definition.Type == MetricType.Summary && !SameObjectives(metric.Definition.Objectives!, definition.Objectives!))))
        {
            problem = "a metric of that name with another definition exists";
            return null;
        }

        return metric;
    }

    /// <summary>
    /// Creates a series of a metric <see cref="DefineRestored"/> returned and sets its state (see
    /// <see cref="IPushedMetric.Restore"/>). A restored time to live turns the expiry scans on, as a record's does:
    /// without it a restored series would never expire until some record carried <c>ttl_seconds</c>.
    /// </summary>
    internal bool RestoreSeries(IPushedMetric metric, string[] labelValues, Action<PushedSeries> setState, long lastUpdate, long timeToLive)
    {
        if (timeToLive > 0 && !_anyRecordTimeToLive)
        {
            _anyRecordTimeToLive = true;
        }

        return metric.Restore(labelValues, setState, lastUpdate, timeToLive);
    }

    private static RecordRejection Collision(MetricDefinition owner, MetricDefinition wanted, string sharedName)
    {
        bool sameFamily = ExpositionNames.Family(owner.Name, owner.Type) == ExpositionNames.Family(wanted.Name, wanted.Type);
        if (sameFamily || owner.Name == wanted.Name)
        {
            return Conflict(owner, "/metric_type",
                $"metric '{owner.Name}' is a {TypeNames.Of(owner.Type)}; it cannot be recorded as a {TypeNames.Of(wanted.Type)}.");
        }

        return new RecordRejection(RejectionReason.NameCollision, "/metric_name",
            $"{TypeNames.Of(wanted.Type)} '{wanted.Name}' would expose '{sharedName}', which {TypeNames.Of(owner.Type)} '{owner.Name}' already exposes.")
        {
            ExistingDefinition = owner,
        };
    }

    private MetricDefinition NewDefinition(MetricRecord record, string exposedName)
    {
        var labelNames = new string[record.Labels.Count];
        int index = 0;
        foreach (var (name, _) in record.Labels)
        {
            labelNames[index++] = name;
        }

        Array.Sort(labelNames, StringComparer.Ordinal);
        return new MetricDefinition(
            exposedName,
            record.Type,
            labelNames,
            record.Type == MetricType.Histogram ? record.Buckets?.ToArray() ?? [.. _options.EffectiveDefaultBuckets] : null,
            record.Type == MetricType.Summary ? ByQuantile(record.Objectives) ?? DefaultObjectives.Value : null,
            record.Help ?? $"{TypeNames.Of(record.Type)} {exposedName}, pushed through POST /record.");
    }

    // Series are published when a record has been applied to them (as prometheus-net's SuppressInitialValue), never
    // by merely defining the metric. Pushed metrics stay out of prometheus-net: its child per series costs ~430 bytes
    // for a counter, ~730 for a histogram and ~70 KB for a summary once observed, its histograms can be read torn (see
    // HistogramSeries), and a summary's count and sum cannot be restored into it after a restart.
    private NewMetric Create(MetricDefinition definition)
    {
        switch (definition.Type)
        {
            case MetricType.Counter:
            {
                var counter = new PushedMetric<ValueSeries>(definition, _budget, _options.MaxSeriesPerMetric, static _ => new ValueSeries(), static (series, record, _) => series.TryAdd(record.Value ?? 1), keepRoster: true);
                return new NewMetric(counter, new ValueFamily(counter));
            }

            case MetricType.Gauge:
            {
                var gauge = new PushedMetric<ValueSeries>(definition, _budget, _options.MaxSeriesPerMetric, static _ => new ValueSeries(), static (series, record, _) => ApplyGauge(series, record), keepRoster: true);
                return new NewMetric(gauge, new ValueFamily(gauge));
            }

            case MetricType.Histogram:
            {
                var histogram = NewHistogram(definition, _budget, _options.MaxSeriesPerMetric);
                return new NewMetric(histogram, new HistogramFamily(histogram));
            }

            default:
            {
                var summary = NewSummary(definition, _budget, _options.MaxSeriesPerMetric, _options.SummaryMaxAge, _time);
                return new NewMetric(summary, new SummaryFamily(summary, _time));
            }
        }
    }

    /// <summary>A pushed summary: its series observe into quantile windows of <paramref name="maxAge"/> on <paramref name="time"/>'s clock.</summary>
    internal static PushedMetric<SummarySeries> NewSummary(MetricDefinition definition, SeriesBudget budget, int maxSeries, TimeSpan maxAge, TimeProvider time)
    {
        // One set of targets for the metric, not one per series.
        var targets = new QuantileTargets(definition.Objectives!);
        long streamTicks = Math.Max(1, (long)(maxAge.TotalSeconds * time.TimestampFrequency) / QuantileWindow.Streams);
        return new PushedMetric<SummarySeries>(definition, budget, maxSeries, _ => new SummarySeries(targets, streamTicks, time.GetTimestamp()), static (series, record, now) => series.TryObserve(record, now), keepRoster: true);
    }

    /// <summary>A pushed histogram: its series count into the definition's buckets and +Inf.</summary>
    internal static PushedMetric<HistogramSeries> NewHistogram(MetricDefinition definition, SeriesBudget budget, int maxSeries)
    {
        // One bounds array for the metric, not one per series.
        double[] bounds = HistogramSeries.UpperBounds(definition.Buckets!);
        return new PushedMetric<HistogramSeries>(definition, budget, maxSeries, _ => new HistogramSeries(bounds.Length), (series, record, _) => series.TryObserve(bounds, record), keepRoster: true);
    }

    private static bool ApplyGauge(ValueSeries gauge, MetricRecord record)
    {
        double value = record.Value!.Value;
        switch (record.Operation)
        {
            case GaugeOperation.Inc: return gauge.TryAdd(value);
            case GaugeOperation.Dec: return gauge.TryAdd(-value);
            default: gauge.Set(value); return true;
        }
    }

    private void BeforeCollect()
    {
        RemoveExpired();
        _self.Series.Set(_budget.Used);
        _self.Families.Set(_metrics.Count);
    }

    private static RecordRejection Overflow(MetricDefinition definition, MetricRecord record)
    {
        string what = definition.Type switch
        {
            MetricType.Counter => $"counter '{definition.Name}'",
            MetricType.Gauge => $"gauge '{definition.Name}'",
            _ => $"the sum of {TypeNames.Of(definition.Type)} '{definition.Name}'",
        };
        // A summary's count can only come near 2^63 from a snapshot edited by hand, but is named where it can.
        string limit = definition.Type == MetricType.Summary ? " (or its count beyond 2^63 - 1)" : "";
        return new RecordRejection(RejectionReason.ValueOverflow, record.Values is null ? "/value" : "/values",
            $"the record would take {what} beyond the largest finite double (about 1.8e308){limit}; nothing was applied and the series keeps its value.");
    }

    private static RecordRejection LabelConflict(MetricDefinition definition) =>
        Conflict(definition, "/labels",
            $"metric '{definition.Name}' has label names [{string.Join(", ", definition.LabelNames)}]; every record of it must carry exactly these.");

    private static RecordRejection Conflict(MetricDefinition definition, string field, string detail) =>
        new(RejectionReason.DefinitionConflict, field, detail) { ExistingDefinition = definition };

    private static string[] LabelScratch(int count)
    {
        if (count == 0)
        {
            return [];
        }

        var byCount = t_labelScratch ??= new string[RecordLimits.MaxLabels + 1][];
        return byCount[count] ??= new string[count];
    }

    /// <summary>A copy of the objectives sorted by quantile, the order the official clients write them in.</summary>
    private static QuantileObjective[]? ByQuantile(IReadOnlyList<QuantileObjective>? objectives)
    {
        if (objectives is null)
        {
            return null;
        }

        QuantileObjective[] sorted = [.. objectives];
        Array.Sort(sorted, static (left, right) => left.Quantile.CompareTo(right.Quantile));
        return sorted;
    }

    /// <summary>The same objectives in any order (each quantile is given once: the validator refuses a repeated one).</summary>
    private static bool SameObjectives(IReadOnlyList<QuantileObjective> sent, IReadOnlyList<QuantileObjective> defined)
    {
        if (sent.Count != defined.Count)
        {
            return false;
        }

        for (int i = 0; i < sent.Count; i++)
        {
            bool found = false;
            for (int j = 0; j < defined.Count && !found; j++)
            {
                found = sent[i] == defined[j];
            }

            if (!found)
            {
                return false;
            }
        }

        return true;
    }

    private static bool SequenceEqual<T>(IReadOnlyList<T> left, IReadOnlyList<T> right)
    {
        if (left.Count != right.Count)
        {
            return false;
        }

        var comparer = EqualityComparer<T>.Default;
        for (int i = 0; i < left.Count; i++)
        {
            if (!comparer.Equals(left[i], right[i]))
            {
                return false;
            }
        }

        return true;
    }

    [LoggerMessage(EventId = 3, Level = LogLevel.Debug, Message = "Record accepted for {MetricName}")]
    private static partial void LogAccepted(ILogger logger, string metricName);

    [LoggerMessage(EventId = 4, Level = LogLevel.Information, Message = "Deleted {Count} series of {MetricName}")]
    private static partial void LogDeleted(ILogger logger, string metricName, int count);

    [LoggerMessage(EventId = 5, Level = LogLevel.Warning, Message = "Wiped every pushed series: {Count} removed")]
    private static partial void LogWiped(ILogger logger, int count);

    [LoggerMessage(EventId = 6, Level = LogLevel.Debug, Message = "Removed {Count} expired series")]
    private static partial void LogExpired(ILogger logger, int count);
}
