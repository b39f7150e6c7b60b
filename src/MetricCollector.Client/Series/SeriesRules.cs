using System.Globalization;
using MetricCollector.Recording;

namespace MetricCollector.Client.Series;

/// <summary>
/// The collector's rules for what defines a series (name, label names, buckets, objectives, help), checked when a
/// handle is created: breaking one is a programming error, so it throws <see cref="ArgumentException"/> at the call,
/// as .NET does for bad arguments, instead of being refused by the collector a second later. Values are never checked
/// here: recording never throws. The name rule, the bounds and the length count are the collector's own (MetricNames,
/// RecordLimits, CodePoints, compiled in from its sources), so the two cannot drift apart.
/// </summary>
internal static class SeriesRules
{
    private const string NamePattern = "^[a-zA-Z_][a-zA-Z0-9_]*$";

    // The collector's ExpositionNames.ReservedPrefixes (not linked: that file needs the collector's public MetricType).
    private static readonly string[] ReservedPrefixes = ["metric_collector_", "gateway_", "__"];

    public static void Validate(
        SeriesKind kind,
        string name,
        IReadOnlyList<KeyValuePair<string, string>> labels,
        string? help,
        IReadOnlyList<double>? buckets,
        IReadOnlyList<SummaryObjective>? objectives)
    {
        if (!MetricNames.IsValid(name, RecordLimits.MaxNameLength))
        {
            throw new ArgumentException($"The metric name '{Quote(name)}' must match {NamePattern} and have at most {RecordLimits.MaxNameLength} characters.", nameof(name));
        }

        if (kind == SeriesKind.Counter && MetricNames.LeavesNoCounterFamily(name))
        {
            throw new ArgumentException("The name '_total' cannot name a counter: OpenMetrics names a counter's family without its _total suffix, which would leave no name.", nameof(name));
        }

        foreach (string prefix in ReservedPrefixes)
        {
            if (name.StartsWith(prefix, StringComparison.Ordinal))
            {
                throw new ArgumentException($"The metric name '{name}' starts with '{prefix}', which is reserved for the collector's and the gateway's own metrics.", nameof(name));
            }
        }

        if (labels.Count > RecordLimits.MaxLabels)
        {
            throw new ArgumentException($"A series has at most {RecordLimits.MaxLabels} labels, not {labels.Count}.", nameof(labels));
        }

        foreach (var (label, value) in labels)
        {
            if (!MetricNames.IsValidLabelName(label))
            {
                throw new ArgumentException($"The label name '{Quote(label)}' must match {NamePattern}, have at most {RecordLimits.MaxLabelNameLength} characters and not start with '__'.", nameof(labels));
            }

            if ((kind == SeriesKind.Histogram && label == "le") || (kind == SeriesKind.Summary && label == "quantile"))
            {
                throw new ArgumentException($"The label name '{label}' is reserved on {(kind == SeriesKind.Histogram ? "histograms" : "summaries")}: the collector writes it.", nameof(labels));
            }

            if (CodePoints.Count(value) > RecordLimits.MaxLabelValueLength)
            {
                throw new ArgumentException($"The value of label '{label}' has {CodePoints.Count(value)} characters; the collector takes at most {RecordLimits.MaxLabelValueLength}.", nameof(labels));
            }

            if (CodePoints.IndexOfUnpairedSurrogate(value) >= 0)
            {
                // JSON would carry it as U+FFFD, merging it with every other such value: the collector refuses it.
                throw new ArgumentException($"The value of label '{label}' contains an unpaired surrogate, which is not a Unicode character.", nameof(labels));
            }
        }

        if (help is not null && (help.Contains('\n', StringComparison.Ordinal) || CodePoints.Count(help) > RecordLimits.MaxHelpLength))
        {
            throw new ArgumentException($"The help text must be one line of at most {RecordLimits.MaxHelpLength} characters.", nameof(help));
        }

        if (help is not null && CodePoints.IndexOfUnpairedSurrogate(help) >= 0)
        {
            throw new ArgumentException("The help text contains an unpaired surrogate, which is not a Unicode character.", nameof(help));
        }

        if (buckets is not null)
        {
            ValidateBuckets(buckets);
        }

        if (objectives is not null)
        {
            ValidateObjectives(objectives);
        }
    }

    /// <summary>Throws when a label has no value: before anything else, as the series' identity is made of the values.</summary>
    public static void RequireValues(IReadOnlyList<KeyValuePair<string, string>> labels)
    {
        foreach (var (label, value) in labels)
        {
            if (value is null)
            {
                throw new ArgumentException($"The label '{Quote(label ?? "")}' has no value.", nameof(labels));
            }
        }
    }

    private static void ValidateBuckets(IReadOnlyList<double> buckets)
    {
        if (buckets.Count is 0 or > RecordLimits.MaxBuckets)
        {
            throw new ArgumentException($"A histogram has 1 to {RecordLimits.MaxBuckets} buckets, not {buckets.Count}.", nameof(buckets));
        }

        for (int i = 0; i < buckets.Count; i++)
        {
            double bound = buckets[i];
            if (!double.IsFinite(bound) || bound < 0 || (i > 0 && !(bound > buckets[i - 1])))
            {
                throw new ArgumentException(
                    $"Bucket bounds must be finite, at least 0 and strictly increasing; bound {i} is {bound.ToString(CultureInfo.InvariantCulture)}.", nameof(buckets));
            }
        }
    }

    private static void ValidateObjectives(IReadOnlyList<SummaryObjective> objectives)
    {
        if (objectives.Count is 0 or > RecordLimits.MaxObjectives)
        {
            throw new ArgumentException($"A summary has 1 to {RecordLimits.MaxObjectives} objectives, not {objectives.Count}.", nameof(objectives));
        }

        for (int i = 0; i < objectives.Count; i++)
        {
            var (quantile, error) = objectives[i];
            if (!(quantile > 0 && quantile < 1) || !(error >= RecordLimits.MinObjectiveError && error < 1))
            {
                throw new ArgumentException(
                    $"Objective {i}: the quantile must be strictly between 0 and 1 and the error at least {RecordLimits.MinObjectiveError.ToString(CultureInfo.InvariantCulture)} and below 1, not {quantile.ToString(CultureInfo.InvariantCulture)} and {error.ToString(CultureInfo.InvariantCulture)}.",
                    nameof(objectives));
            }

            for (int j = 0; j < i; j++)
            {
                if (objectives[j].Quantile == quantile)
                {
                    throw new ArgumentException($"Objective {i}: the quantile {quantile.ToString(CultureInfo.InvariantCulture)} is given twice.", nameof(objectives));
                }
            }
        }
    }

    /// <summary>The name as quoted in a message: cut, so a huge or multi-line argument cannot flood the exception text.</summary>
    private static string Quote(string text) => text.Length <= 64 ? text.ReplaceLineEndings(" ") : string.Concat(text.AsSpan(0, 64).ToString().ReplaceLineEndings(" "), "…");
}
