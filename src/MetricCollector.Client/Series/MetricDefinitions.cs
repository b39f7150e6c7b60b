namespace MetricCollector.Client.Series;

/// <summary>
/// What each metric name was first defined as in this client: its type, label names, buckets and objectives, and the
/// names it takes in the exposition. The collector refuses a series that differs from its metric's first definition
/// (409 <c>definition_conflict</c>, <c>name_collision</c>); checking here makes that a programming error thrown where the
/// second definition is written, instead of a series refused a second later. Used under the registry's lock.
/// </summary>
internal sealed class MetricDefinitions
{
    private const string TotalSuffix = "_total";

    private readonly Dictionary<string, MetricShape> _byExposedName = new(StringComparer.Ordinal);

    // Each exposition name taken (a histogram's _bucket, _count, _sum...), and the metric that took it.
    private readonly Dictionary<string, string> _claimed = new(StringComparer.Ordinal);

    /// <summary>Throws when the series does not fit its metric's first definition; records the metric when it is new.</summary>
    /// <param name="kind">The series' type.</param>
    /// <param name="name">The series' name.</param>
    /// <param name="labels">Its labels, ordered by name.</param>
    /// <param name="buckets">The buckets given, or null; kept as the metric's when it is new (the registry passes its own copy then, which the caller cannot change).</param>
    /// <param name="objectives">The objectives given, or null; kept as the buckets are.</param>
    /// <returns>The metric's first definition.</returns>
    /// <exception cref="ArgumentException">The type, label names, buckets or objectives differ, or the name clashes with another metric.</exception>
    public MetricShape Check(
        SeriesKind kind,
        string name,
        IReadOnlyList<KeyValuePair<string, string>> labels,
        IReadOnlyList<double>? buckets,
        IReadOnlyList<SummaryObjective>? objectives)
    {
        // The collector's rule: "jobs" and "jobs_total" name the same counter.
        string exposed = kind == SeriesKind.Counter && !name.EndsWith(TotalSuffix, StringComparison.Ordinal) ? name + TotalSuffix : name;
        if (_byExposedName.TryGetValue(exposed, out var shape))
        {
            if (shape.Kind != kind)
            {
                throw new ArgumentException($"The metric '{exposed}' is already a {Describe(shape.Kind)}; it cannot be a {Describe(kind)} too.", nameof(name));
            }

            if (!SameNames(shape.LabelNames, labels))
            {
                throw new ArgumentException(
                    $"The metric '{exposed}' has the labels ({string.Join(", ", shape.LabelNames)}); each of its series must have those, not ({string.Join(", ", labels.Select(l => l.Key))}).",
                    nameof(labels));
            }

            // Without them the first definition has the collector's defaults, which the client does not know: the
            // collector would refuse other ones given later (409 definition_conflict), so they are refused here.
            if (buckets is not null)
            {
                if (shape.Buckets is null)
                {
                    throw new ArgumentException(
                        $"The histogram '{exposed}' was first defined without buckets, so it has the collector's default ones; omit them here, or give these in its first definition.",
                        nameof(buckets));
                }

                if (!shape.Buckets.SequenceEqual(buckets))
                {
                    throw new ArgumentException(
                        $"The histogram '{exposed}' has the buckets [{string.Join(", ", shape.Buckets)}]; every series of it has those, not [{string.Join(", ", buckets)}]. Omit them to use the first.",
                        nameof(buckets));
                }
            }

            if (objectives is not null)
            {
                if (shape.Objectives is null)
                {
                    throw new ArgumentException(
                        $"The summary '{exposed}' was first defined without objectives, so it has the collector's default ones; omit them here, or give these in its first definition.",
                        nameof(objectives));
                }

                if (!ObjectiveSets.Same(shape.Objectives, objectives))
                {
                    throw new ArgumentException(
                        $"The summary '{exposed}' has other objectives than these; every series of it has the first ones. Omit them to use the first.",
                        nameof(objectives));
                }
            }

            return shape;
        }

        string[] claims = Claimed(exposed, kind);
        foreach (string claim in claims)
        {
            if (_claimed.TryGetValue(claim, out string? owner))
            {
                throw new ArgumentException(
                    $"The metric '{exposed}' would clash in the exposition with the {Describe(_byExposedName[owner].Kind)} '{owner}': both would write '{claim}'.", nameof(name));
            }
        }

        var created = new MetricShape(kind, [.. labels.Select(l => l.Key)]) { Buckets = buckets, Objectives = objectives };
        _byExposedName[exposed] = created;
        foreach (string claim in claims)
        {
            _claimed[claim] = exposed;
        }

        return created;
    }

    /// <summary>The names a metric writes, as the collector's ExpositionNames.Claimed counts them.</summary>
    private static string[] Claimed(string exposed, SeriesKind kind)
    {
        string family = kind == SeriesKind.Counter ? exposed[..^TotalSuffix.Length] : exposed;
        return kind switch
        {
            SeriesKind.Counter => [family, exposed, family + "_created"],
            SeriesKind.Gauge => [family],
            SeriesKind.Histogram => [family, family + "_bucket", family + "_count", family + "_sum", family + "_created"],
            _ => [family, family + "_count", family + "_sum", family + "_created"],
        };
    }

    private static bool SameNames(string[] names, IReadOnlyList<KeyValuePair<string, string>> labels)
    {
        if (names.Length != labels.Count)
        {
            return false;
        }

        // Both ordered by name.
        for (int i = 0; i < names.Length; i++)
        {
            if (!string.Equals(names[i], labels[i].Key, StringComparison.Ordinal))
            {
                return false;
            }
        }

        return true;
    }

    private static string Describe(SeriesKind kind) => kind switch
    {
        SeriesKind.Counter => "counter",
        SeriesKind.Gauge => "gauge",
        SeriesKind.Histogram => "histogram",
        _ => "summary",
    };
}
