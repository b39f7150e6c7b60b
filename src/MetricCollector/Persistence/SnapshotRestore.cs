using System.Globalization;
using MetricCollector.Collector;
using MetricCollector.Recording;

namespace MetricCollector.Persistence;

/// <summary>
/// Puts a snapshot's series back into a collector: counters keep counting, gauges keep their value, histograms their
/// buckets and sum, summaries their count and sum (their quantile window starts empty).
/// </summary>
internal static class SnapshotRestore
{
    /// <summary>Restores what the collector's limits allow; returns how many series were restored and what was skipped.</summary>
    public static (int Restored, List<string> Skipped) Restore(PrometheusMetricCollector collector, SnapshotDocument snapshot)
    {
        int restored = 0;
        var skipped = new List<string>();
        long now = collector.Now;
        double frequency = collector.TimestampFrequency;
        double downtimeSeconds = snapshot.DowntimeUntil(collector.UtcNow).TotalSeconds;
        foreach (var entry in snapshot.Metrics)
        {
            // A file whose checksum holds may still lack fields (an older writer's bug, a hand edit): such an entry is
            // left out, saying why, rather than stopping the start (the file would stop every restart the same way).
            if (MissingField(entry) is { } missing)
            {
                skipped.Add(missing);
                continue;
            }

            var definition = entry.Definition;
            // The rule records and configuration obey (RecordValidator.BucketsProblem): a snapshot written before a
            // rule was added (negative bounds) is skipped with a warning rather than exposed against it.
            if (definition.Type == MetricType.Histogram && definition.Buckets is not { Count: > 0 and <= RecordLimits.MaxBuckets })
            {
                skipped.Add($"{definition.Name}: its buckets are not 1 to {RecordLimits.MaxBuckets} bounds");
                continue;
            }

            if (definition.Type == MetricType.Histogram && RecordValidator.BucketsProblem(definition.Buckets!, out _) is { } bucketProblem)
            {
                skipped.Add($"{definition.Name}: its buckets are not valid: {bucketProblem}");
                continue;
            }

            if (DefinitionProblem(definition) is { } definitionProblem)
            {
                skipped.Add($"{Echo.Of(definition.Name)}: {definitionProblem}");
                continue;
            }

            var metric = collector.DefineRestored(definition, out string? problem);
            if (metric is null)
            {
                skipped.Add($"{definition.Name}: {problem}");
                continue;
            }

            bool anyExpired = false;
            foreach (var series in entry.Series)
            {
                if (series?.Labels is null)
                {
                    skipped.Add($"{definition.Name}: a series has no label values");
                    continue;
                }

                if (series.Labels.Count != definition.LabelNames.Count)
                {
                    skipped.Add($"{definition.Name}: a series has {series.Labels.Count} label values for {definition.LabelNames.Count} names");
                    continue;
                }

                if (LabelValuesProblem(definition, series) is { } labelProblem)
                {
                    skipped.Add($"{definition.Name}: {labelProblem}");
                    continue;
                }

                // Checked before the series exists: a series whose state does not fit is left out, not shown at zero.
                if (StateProblem(definition, series, frequency) is { } stateProblem)
                {
                    skipped.Add($"{definition.Name}: {stateProblem}");
                    continue;
                }

                // Its own time to live, as its records gave it; without one, the default as configured now applies.
                long ttl = series.TimeToLiveSeconds is { } seconds ? (long)(seconds * frequency) : 0;
                long effective = ttl > 0 ? ttl : collector.DefaultTimeToLive;
                long idle = 0;
                if (effective > 0)
                {
                    // It keeps the time it had left: no record came while the gateway was down either.
                    double idleSeconds = (series.IdleSeconds is > 0 and var before && double.IsFinite(before) ? before : 0) + downtimeSeconds;
                    if (idleSeconds * frequency >= effective)
                    {
                        // Expired before or during the restart (as it would have been without one): not a problem.
                        anyExpired = true;
                        continue;
                    }

                    idle = (long)(idleSeconds * frequency);
                }

                if (collector.RestoreSeries(metric, [.. series.Labels], target => SetState(definition, series, target), now - idle, ttl))
                {
                    restored++;
                }
                else
                {
                    skipped.Add($"{definition.Name}: a series is beyond the series limits");
                }
            }

            if (anyExpired && metric.SeriesCount == 0)
            {
                // Every series it had expired while the gateway was down: forgotten, as the expiry scan forgets a metric
                // whose last series expired (a metric emptied by DELETE keeps its definition, and so does one saved so).
                collector.ForgetIfEmpty(metric);
            }
        }

        return (restored, skipped);
    }

    /// <summary>What an entry lacks that every snapshot this collector writes has, or null.</summary>
    private static string? MissingField(SnapshotMetric? entry)
    {
        if (entry?.Definition is not { } definition)
        {
            return "an entry has no definition";
        }

        string name = definition.Name is null ? "a metric" : Echo.Of(definition.Name);
        string? missing = definition switch
        {
            { Name: null } => "no name",
            { LabelNames: null } => "no label names",
            { Help: null } => "no help",
            { Type: MetricType.Summary, Objectives: null } => "no objectives",
            _ when entry.Series is null => "no series list",
            _ => null,
        };
        if (missing is null && definition.LabelNames is { } labelNames)
        {
            foreach (string labelName in labelNames)
            {
                if (labelName is null)
                {
                    missing = "a label name that is not a string";
                    break;
                }
            }
        }

        return missing is null ? null : $"{name}: the entry has {missing}";
    }

    /// <summary>
    /// Why POST /record could not have made <paramref name="definition"/>, or null: the rules of
    /// <see cref="RecordValidator"/> for its name, label names, buckets and objectives (a probe record carries them),
    /// each label name once, and a counter's name ending in <c>_total</c>, as the collector exposes it. Left in, such
    /// a metric would make /metrics unparsable as a whole (a space in a name, a label written twice).
    /// </summary>
    private static string? DefinitionProblem(MetricDefinition definition)
    {
        var labels = new Dictionary<string, string>(definition.LabelNames.Count, StringComparer.Ordinal);
        foreach (string labelName in definition.LabelNames)
        {
            if (!labels.TryAdd(labelName, ""))
            {
                return $"label name '{Echo.Of(labelName)}' is given twice";
            }
        }

        // The help is not judged: the exposition escapes whatever it holds, and older collectors took line feeds.
        var probe = new MetricRecord(definition.Name, definition.Type)
        {
            Labels = labels,
            Value = definition.Type == MetricType.Counter ? null : 0,
            Buckets = definition.Type == MetricType.Histogram ? definition.Buckets : null,
            Objectives = definition.Type == MetricType.Summary ? definition.Objectives : null,
        };
        if (RecordValidator.Validate(probe) is { } rejection)
        {
            return rejection.Detail;
        }

        return ExpositionNames.Exposed(definition.Name, definition.Type) == definition.Name ? null : "a counter's name must end in _total, as the collector exposes it";
    }

    /// <summary>Why a series' label values could not come from a record (a value missing, too long, or half a surrogate pair), or null.</summary>
    private static string? LabelValuesProblem(MetricDefinition definition, SnapshotSeries series)
    {
        for (int i = 0; i < series.Labels.Count; i++)
        {
            // The record rules' own check of a label (its name passed already, with the definition).
            if (RecordValidator.CheckLabel(definition.Type, definition.LabelNames[i], series.Labels[i]) is { } rejection)
            {
                return "a series: " + rejection.Detail;
            }
        }

        return null;
    }

    /// <summary>
    /// Why a series' state cannot be restored, or null. The rules POST /record keeps (a counter finite and never
    /// negative, a gauge finite, a histogram's counts and a summary's count never negative and their sums finite and
    /// never negative, as their observations are): a snapshot written before a rule was added, or edited by hand, could hold anything, and
    /// /metrics would then write NaN, +Inf or a negative _sum that strict OpenMetrics parsers refuse.
    /// </summary>
    private static string? StateProblem(MetricDefinition definition, SnapshotSeries series, double frequency)
    {
        if (series.TimeToLiveSeconds is { } seconds && !(seconds > 0 && seconds * frequency < long.MaxValue))
        {
            return $"a series' time to live {Number(seconds)} is not a positive finite number of seconds";
        }

        switch (definition.Type)
        {
            case MetricType.Counter:
                return series.Value switch
                {
                    null => "a series has no value",
                    { } value when !(double.IsFinite(value) && value >= 0) => $"a series' value {Number(value)} is not a finite number >= 0, as a counter's must be",
                    _ => null,
                };
            case MetricType.Gauge:
                return series.Value switch
                {
                    null => "a series has no value",
                    { } value when !double.IsFinite(value) => $"a series' value {Number(value)} is not a finite number",
                    _ => null,
                };
            case MetricType.Histogram:
                if (!FitsBuckets(series.BucketCounts, definition.Buckets!))
                {
                    return $"a series' bucket counts do not fit its {definition.Buckets!.Count} buckets and +Inf (or add up beyond a 64-bit count)";
                }

                return series.Sum switch
                {
                    null => "a series has no sum",
                    { } sum when !(double.IsFinite(sum) && sum >= 0) => $"a series' sum {Number(sum)} is not a finite number >= 0 (observations are never negative)",
                    _ => null,
                };
            default:
                return (series.Count, series.Sum) switch
                {
                    (null, _) => "a series has no count",
                    (< 0, _) => $"a series' count {series.Count} is negative",
                    (_, null) => "a series has no sum",
                    (_, { } sum) when !(double.IsFinite(sum) && sum >= 0) => $"a series' sum {Number(sum)} is not a finite number >= 0 (observations are never negative)",
                    _ => null,
                };
        }
    }

    private static string Number(double value) => value.ToString(CultureInfo.InvariantCulture);

    private static void SetState(MetricDefinition definition, SnapshotSeries series, PushedSeries target)
    {
        switch (target)
        {
            // Finite and >= 0 (StateProblem); a zero adds nothing, as before.
            case ValueSeries counter when definition.Type == MetricType.Counter && series.Value is > 0 and var value:
                counter.Add(value);
                break;
            case ValueSeries gauge when definition.Type == MetricType.Gauge && series.Value is { } value:
                gauge.Set(value);
                break;
            // Exact counts and sum (that they fit was checked before the series was created).
            case HistogramSeries histogram when definition.Type == MetricType.Histogram && series.BucketCounts is { } counts:
                histogram.Add(counts, series.Sum ?? 0);
                break;
            case SummarySeries summary when definition.Type == MetricType.Summary && series.Count is { } count:
                summary.Add(count, series.Sum ?? 0);
                break;
        }
    }

    private static bool FitsBuckets(IReadOnlyList<long>? counts, IReadOnlyList<double> buckets)
    {
        if (counts is null || counts.Count != buckets.Count + 1)
        {
            return false;
        }

        // The exposition writes cumulative counts and _count as 64-bit integers: their total must fit one.
        long total = 0;
        for (int i = 0; i < counts.Count; i++)
        {
            if (counts[i] < 0 || counts[i] > long.MaxValue - total)
            {
                return false;
            }

            total += counts[i];
        }

        return true;
    }
}
