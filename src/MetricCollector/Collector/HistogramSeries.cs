using MetricCollector.Recording;

namespace MetricCollector.Collector;

/// <summary>
/// A histogram series, pushed or the host's (<see cref="HostHistogram"/>): one count per bucket (not cumulative, the last for +Inf) in a single array and the sum
/// of the observations, beside the state of <see cref="PushedSeries"/>: with its key, dictionary node and roster entry
/// about 350 bytes a series with the default buckets, where the collector held about 840 with prometheus-net's child
/// (735 for the child alone; measured with <c>--retained</c>, bench/README.md). prometheus-net also read a child's
/// <c>_count</c> before its buckets without a lock, so a scrape taken while observations landed could show
/// <c>_count</c> behind the <c>+Inf</c> bucket, which strict OpenMetrics parsers refuse.
/// Here a record's observations and a scrape's copy of the series both hold the lock of the counts array, so every
/// copy is one set of observations: buckets, count and sum agree. It is the runtime's thin lock in the array's header,
/// so it costs no object per series (a contended lock gets a sync block, kept while the array lives); it is held for
/// the few nanoseconds of a record's observations or of one copy, and never across an await.
/// </summary>
internal sealed class HistogramSeries : PushedSeries
{
    // Per bucket, in the order of the metric's upper bounds; also the lock object (see the summary).
    private readonly long[] _counts;
    private double _sum;

    /// <param name="buckets">How many buckets the series has, +Inf included.</param>
    public HistogramSeries(int buckets) => _counts = new long[buckets];

    /// <summary>How many buckets the series has, +Inf included.</summary>
    public int BucketCount => _counts.Length;

    /// <summary>
    /// The upper bounds a histogram with <paramref name="buckets"/> counts into: the buckets and +Inf, unless the last
    /// already is +Inf (as prometheus-net completes them).
    /// </summary>
    public static double[] UpperBounds(IReadOnlyList<double> buckets) =>
        buckets.Count > 0 && double.IsPositiveInfinity(buckets[^1]) ? [.. buckets] : [.. buckets, double.PositiveInfinity];

    /// <summary>
    /// Observes the record's value or values, all under one hold of the lock; false, observing none, when the sum
    /// would not stay finite.
    /// </summary>
    /// <param name="bounds">The metric's upper bounds, from <see cref="UpperBounds"/>.</param>
    /// <param name="record">A histogram record (its numbers validated finite and >= 0).</param>
    public bool TryObserve(double[] bounds, MetricRecord record)
    {
        lock (_counts)
        {
            // The sum first, added in the order the values came (as Observe adds them), so that a refused record changes nothing.
            double sum = ObservedSum.After(_sum, record);
            if (!double.IsFinite(sum))
            {
                return false;
            }

            if (record.Values is { } values)
            {
                for (int i = 0; i < values.Count; i++)
                {
                    _counts[BucketOf(bounds, values[i])]++;
                }
            }
            else
            {
                _counts[BucketOf(bounds, record.Value!.Value)]++;
            }

            _sum = sum;
            return true;
        }
    }

    /// <summary>Observes one value (a host histogram's, see <see cref="HostHistogramChild"/>).</summary>
    /// <param name="bounds">The metric's upper bounds, from <see cref="UpperBounds"/>.</param>
    /// <param name="value">The observation.</param>
    public void Observe(double[] bounds, double value)
    {
        // As prometheus-net's Histogram.Child.Observe: NaN is ignored; a value goes to the first bucket whose upper
        // bound is at least the value (-Inf to the first, +Inf to the last); the sum adds the values in the order they
        // came, so it is the same double.
        if (double.IsNaN(value))
        {
            return;
        }

        lock (_counts)
        {
            _counts[BucketOf(bounds, value)]++;
            _sum += value;
        }
    }

    /// <summary>
    /// Adds counts per bucket and a sum, as a snapshot recorded them. The caller has checked that they fit (one count
    /// per bucket and +Inf, none negative, their total within 64 bits: SnapshotRestore), before the series existed.
    /// </summary>
    public void Add(IReadOnlyList<long> counts, double sum)
    {
        // Counts for other buckets would be misplaced; SnapshotRestore's check rules them out, this keeps it so.
        if (counts.Count != _counts.Length)
        {
            return;
        }

        lock (_counts)
        {
            for (int i = 0; i < counts.Count; i++)
            {
                _counts[i] += counts[i];
            }

            _sum += sum;
        }
    }

    /// <summary>
    /// Copies the counts per bucket into <paramref name="counts"/> (at least <see cref="BucketCount"/> long) and returns
    /// the sum, both from the same moment: no observation is half in the copy.
    /// </summary>
    public double CopyTo(Span<long> counts)
    {
        lock (_counts)
        {
            _counts.CopyTo(counts);
            return _sum;
        }
    }

    // A linear scan: 15 bounds by default, 65 at most, and the record path costs far more.
    private static int BucketOf(double[] bounds, double value)
    {
        int bucket = 0;
        while (value > bounds[bucket])
        {
            bucket++;
        }

        return bucket;
    }
}
