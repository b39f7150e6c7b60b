using System.Globalization;

namespace MetricCollector.Recording;

/// <summary>
/// Checks a <see cref="MetricRecord"/> against every rule that does not depend on what was recorded before. The JSON
/// schema already enforces most of these for <c>POST /record</c>; this covers records built in code and the rules the
/// schema cannot state (finite numbers, strictly increasing buckets).
/// </summary>
internal static class RecordValidator
{
    public static RecordRejection? Validate(MetricRecord record)
    {
        if (!MetricNames.IsValid(record.Name, RecordLimits.MaxNameLength))
        {
            return Invalid(RejectionReason.SchemaViolation, "/metric_name",
                $"metric_name '{Echo.Of(record.Name)}' must match ^[a-zA-Z_][a-zA-Z0-9_]*$ and have at most {RecordLimits.MaxNameLength} characters.");
        }

        if (record.Type == MetricType.Counter && MetricNames.LeavesNoCounterFamily(record.Name))
        {
            return Invalid(RejectionReason.SchemaViolation, "/metric_name",
                "metric_name '_total' cannot name a counter: OpenMetrics names a counter's family without its _total suffix, which would leave no name.");
        }

        if (record.Help is { Length: > RecordLimits.MaxHelpLength } longHelp && CodePoints.Count(longHelp) > RecordLimits.MaxHelpLength)
        {
            return Invalid(RejectionReason.SchemaViolation, "/help", $"help must have at most {RecordLimits.MaxHelpLength} characters.");
        }

        // A help is one line, as documented. The exposition escapes a line feed as well (SampleText.EscapeHelp), so
        // one restored from an older snapshot cannot end the # HELP line and write lines of its own into /metrics.
        if (record.Help is { } help && help.Contains('\n', StringComparison.Ordinal))
        {
            return Invalid(RejectionReason.SchemaViolation, "/help", "help must be a single line: it must not contain a line feed.");
        }

        // Records read from JSON were checked for the escapes by the reader; these are records built in code.
        if (record.Help is { } text && CodePoints.IndexOfUnpairedSurrogate(text) is >= 0 and int at)
        {
            return UnpairedSurrogates.Rejection("/help", null, text[at]);
        }

        if (record.TimeToLive is { } ttl && (ttl < TimeSpan.FromSeconds(1) || ttl > RecordLimits.MaxTimeToLive))
        {
            return Invalid(RejectionReason.SchemaViolation, "/ttl_seconds",
                $"ttl_seconds must be between 1 and {(long)RecordLimits.MaxTimeToLive.TotalSeconds}.");
        }

        return ValidateLabels(record) ?? ValidateShape(record) ?? ValidateNumbers(record);
    }

    private static RecordRejection? ValidateLabels(MetricRecord record)
    {
        if (record.Labels.Count > RecordLimits.MaxLabels)
        {
            return Invalid(RejectionReason.TooManyLabels, "/labels", $"the record carries {record.Labels.Count} labels; at most {RecordLimits.MaxLabels} are allowed.");
        }

        var labels = LabelSet.Of(record.Labels);
        for (int i = 0; i < labels.Count; i++)
        {
            if (CheckLabel(record.Type, labels.NameAt(i), labels.ValueAt(i)) is { } rejection)
            {
                return rejection;
            }
        }

        return null;
    }

    /// <summary>The refusal of one label of a record of <paramref name="type"/> (its name, then its value), or null.</summary>
    internal static RecordRejection? CheckLabel(MetricType type, string name, string? value)
    {
        // Every label of every record passes here: the field's pointer is built only for a refusal.
        if (LabelNameProblem(type, name) is { } problem)
        {
            return Invalid(RejectionReason.SchemaViolation, LabelField(name), problem);
        }

        if (value is null)
        {
            return Invalid(RejectionReason.SchemaViolation, LabelField(name), $"the value of label '{Echo.Of(name)}' must be a string.");
        }

        if (LabelValueProblem(name, value, RecordLimits.MaxLabelValueLength) is { } tooLong)
        {
            return Invalid(RejectionReason.LabelValueTooLong, LabelField(name), tooLong);
        }

        return CodePoints.IndexOfUnpairedSurrogate(value) is >= 0 and int at ? UnpairedSurrogates.Rejection(LabelField(name), name, value[at]) : null;
    }

    private static string LabelField(string name) => "/labels/" + JsonPointer.Escape(name);

    /// <summary>
    /// Why <paramref name="value"/> is too long for a label (over <paramref name="maxLength"/> code points, as JSON
    /// Schema's maxLength counts), or null. Also judges the collector's configured <c>MaxLabelValueLength</c>.
    /// </summary>
    public static string? LabelValueProblem(string name, string value, int maxLength)
    {
        if (value.Length <= maxLength)
        {
            return null;
        }

        int length = CodePoints.Count(value);
        return length <= maxLength ? null : $"the value of label '{Echo.Of(name)}' has {length} characters; at most {maxLength} are allowed.";
    }

    /// <summary>
    /// Why <paramref name="name"/> cannot name a label of a <paramref name="type"/> (not a label name, reserved by
    /// Prometheus or by the type); null when it can. Also judges the host's histograms' label names.
    /// </summary>
    public static string? LabelNameProblem(MetricType type, string name)
    {
        if (!MetricNames.IsValidLabelName(name))
        {
            return $"label name '{Echo.Of(name)}' must match ^[a-zA-Z_][a-zA-Z0-9_]*$, have at most {RecordLimits.MaxLabelNameLength} characters and not start with __.";
        }

        if (type == MetricType.Histogram && name == "le")
        {
            return "label name 'le' is reserved on histograms for the bucket bound.";
        }

        if (type == MetricType.Summary && name == "quantile")
        {
            return "label name 'quantile' is reserved on summaries.";
        }

        return null;
    }

    /// <summary>
    /// Why bound <paramref name="index"/> of <paramref name="buckets"/> cannot be one (not finite, or not above the one
    /// before); null, with <paramref name="index"/> -1, when every bound can. Also judges the host's histograms' buckets.
    /// </summary>
    public static string? BucketsProblem(IReadOnlyList<double> buckets, out int index)
    {
        for (index = 0; index < buckets.Count; index++)
        {
            if (!double.IsFinite(buckets[index]))
            {
                return "bucket bounds must be finite numbers (+Inf is always added).";
            }

            // Observations below 0 are refused, so a negative bound would count nothing; and OpenMetrics 1.0 forbids
            // _sum on a histogram with a negative bound, which makes a strict parser refuse the whole scrape.
            if (buckets[index] < 0)
            {
                return "bucket bounds must be >= 0: observations are never negative.";
            }

            if (index > 0 && buckets[index] <= buckets[index - 1])
            {
                return "bucket bounds must be strictly increasing.";
            }
        }

        index = -1;
        return null;
    }

    private static RecordRejection? ValidateShape(MetricRecord record)
    {
        string type = TypeNames.Of(record.Type);
        bool observes = record.Type is MetricType.Histogram or MetricType.Summary;
        if (record.Values is not null && !observes)
        {
            return Invalid(RejectionReason.SchemaViolation, "/values", $"values is only allowed on histograms and summaries, not on a {type}.");
        }

        if (record.Buckets is not null && record.Type != MetricType.Histogram)
        {
            return Invalid(RejectionReason.SchemaViolation, "/buckets", $"buckets is only allowed on histograms, not on a {type}.");
        }

        if (record.Objectives is not null && record.Type != MetricType.Summary)
        {
            return Invalid(RejectionReason.SchemaViolation, "/objectives", $"objectives is only allowed on summaries, not on a {type}.");
        }

        if (record.Operation != GaugeOperation.Set && record.Type != MetricType.Gauge)
        {
            return Invalid(RejectionReason.SchemaViolation, "/operation", $"operation is only allowed on gauges, not on a {type}.");
        }

        if (record.Type == MetricType.Gauge && record.Value is null)
        {
            return Invalid(RejectionReason.SchemaViolation, "/value", "a gauge record needs value.");
        }

        if (observes && (record.Value is null) == (record.Values is null))
        {
            return record.Value is null
                ? Invalid(RejectionReason.SchemaViolation, "/value", $"a {type} record needs value (one observation) or values (an array of observations).")
                : Invalid(RejectionReason.SchemaViolation, "/values", $"a {type} record takes value or values, not both.");
        }

        if (record.Values is { Count: 0 or > RecordLimits.MaxValues })
        {
            return Invalid(RejectionReason.SchemaViolation, "/values", $"values must hold 1 to {RecordLimits.MaxValues} observations.");
        }

        if (record.Buckets is { Count: 0 or > RecordLimits.MaxBuckets })
        {
            return Invalid(RejectionReason.SchemaViolation, "/buckets", $"buckets must hold 1 to {RecordLimits.MaxBuckets} bounds.");
        }

        if (record.Objectives is { Count: 0 or > RecordLimits.MaxObjectives })
        {
            return Invalid(RejectionReason.SchemaViolation, "/objectives", $"objectives must hold 1 to {RecordLimits.MaxObjectives} quantiles.");
        }

        return null;
    }

    private static RecordRejection? ValidateNumbers(MetricRecord record)
    {
        if (record.Value is double value)
        {
            if (!double.IsFinite(value))
            {
                return NotFinite("/value");
            }

            if (record.Type == MetricType.Counter && value < 0)
            {
                return Invalid(RejectionReason.InvalidValue, "/value",
                    $"a counter increment must be >= 0, got {value.ToString(CultureInfo.InvariantCulture)}: counters never decrease (use a gauge for values that go down).");
            }

            if (record.Type is MetricType.Histogram or MetricType.Summary && value < 0)
            {
                return NegativeObservation("/value", value);
            }
        }

        if (record.Values is { } values)
        {
            double sum = 0;
            for (int i = 0; i < values.Count; i++)
            {
                if (!double.IsFinite(values[i]))
                {
                    return NotFinite(Item("/values/", i));
                }

                if (values[i] < 0)
                {
                    return NegativeObservation(Item("/values/", i), values[i]);
                }

                sum += values[i];
            }

            // No series can take these: the sum they add would be infinite even from zero. Refused here, the record
            // defines nothing; values that overflow a series' existing sum are refused by the series (value_overflow).
            if (!double.IsFinite(sum))
            {
                return new RecordRejection(RejectionReason.ValueOverflow, "/values",
                    "the values add up to more than the largest finite double (about 1.8e308), which no sum can hold.");
            }
        }

        if (record.Buckets is { } buckets && BucketsProblem(buckets, out int bound) is { } bucketProblem)
        {
            return Invalid(RejectionReason.InvalidValue, Item("/buckets/", bound), bucketProblem);
        }

        if (record.Objectives is { } objectives)
        {
            for (int i = 0; i < objectives.Count; i++)
            {
                var objective = objectives[i];
                if (!(objective.Quantile > 0 && objective.Quantile < 1))
                {
                    return Invalid(RejectionReason.InvalidValue, Item("/objectives/", i) + "/quantile", "a quantile must be strictly between 0 and 1.");
                }

                if (!(objective.Error >= RecordLimits.MinObjectiveError && objective.Error < 1))
                {
                    return Invalid(RejectionReason.InvalidValue, Item("/objectives/", i) + "/error",
                        $"an error target must be at least {RecordLimits.MinObjectiveError.ToString(CultureInfo.InvariantCulture)} and below 1: a smaller one makes the summary keep nearly every observation.");
                }

                // Each quantile is one series (quantile="0.5"): a repeated one would be exposed twice.
                for (int j = 0; j < i; j++)
                {
                    if (objectives[j].Quantile == objective.Quantile)
                    {
                        return Invalid(RejectionReason.InvalidValue, Item("/objectives/", i) + "/quantile",
                            $"quantile {objective.Quantile.ToString(CultureInfo.InvariantCulture)} is already at /objectives/{j.ToString(CultureInfo.InvariantCulture)}: each quantile may be given once.");
                    }
                }
            }
        }

        return null;
    }

    private static string Item(string arrayPointer, int index) => arrayPointer + index.ToString(CultureInfo.InvariantCulture);

    // OpenMetrics, which Prometheus negotiates, types a histogram's or summary's _sum as a counter: it must never go
    // down, and its strict parsers refuse a negative one. Durations and sizes are never negative; offsets belong in a gauge.
    private static RecordRejection NegativeObservation(string field, double value) =>
        Invalid(RejectionReason.InvalidValue, field,
            $"histogram and summary observations must be >= 0, got {value.ToString(CultureInfo.InvariantCulture)}: their _sum is a counter in OpenMetrics (use a gauge for values that can be negative).");

    private static RecordRejection NotFinite(string field) =>
        Invalid(RejectionReason.InvalidValue, field, "the number does not fit a finite double (64-bit IEEE 754).");

    private static RecordRejection Invalid(RejectionReason reason, string field, string detail) => new(reason, field, detail);
}
