namespace MetricCollector.Collector;

/// <summary>
/// Targeted quantiles of a stream of observations, within each objective's error in rank, in memory that grows with
/// the logarithm of the count rather than with the count: the algorithm of Cormode, Korn, Muthukrishnan and Srivastava
/// ("Effective computation of biased quantiles over data streams", ICDE 2005), which the Prometheus client libraries
/// use for summaries, made to keep its error for every order of observations (the published one does not: see
/// <see cref="QuantileTargets"/>): a tighter invariant, an observation's rank uncertainty taken from the sample above
/// it, a merge checked at both samples' ranks, and a query that picks the sample whose possible ranks stray least.
/// Observations come in sorted runs (<see cref="QuantileWindow"/> buffers them) merged into the sorted sample list;
/// samples are only combined where the error allows, so a stream of few observations keeps each one and answers
/// exactly: the p99 of 5 and 100 is 100. Not thread-safe: <see cref="SummarySeries"/> calls it under its lock.
/// </summary>
internal sealed class QuantileStream(QuantileTargets targets)
{
    // A merge builds the new sample list here and copies what compression keeps back into the stream's own array, so
    // that a stream holds about the samples it needs rather than room for the next merge (measured: half of a busy
    // series' memory when each stream kept that room), and a merge allocates only when the list grows.
    [ThreadStatic]
    private static Sample[]? t_scratch;

    private Sample[] _samples = [];
    private int _sampleCount;

    // Observations merged so far: the samples' widths add up to it.
    private double _count;

    /// <summary>Observations merged since the last reset.</summary>
    public double Count => _count;

    /// <summary>The samples the stream keeps (its memory).</summary>
    public int SampleCount => _sampleCount;

    /// <summary>The observation at <paramref name="quantile"/>, within the error of its objective; NaN when the stream is empty.</summary>
    public double Query(double quantile)
    {
        // The kept sample whose possible ranks stray least from the wanted one: each sample's rank lies between the
        // widths up to it and that plus its delta.
        double wanted = Math.Ceiling(quantile * _count);
        double best = double.NaN;
        double bestStray = double.MaxValue;
        double lowest = 0;
        for (int i = 0; i < _sampleCount; i++)
        {
            var sample = _samples[i];
            lowest += sample.Width;
            double stray = Math.Max(wanted - lowest, lowest + sample.Delta - wanted);
            if (stray < bestStray)
            {
                bestStray = stray;
                best = sample.Value;
            }
        }

        return best;
    }

    /// <summary>Forgets every observation; the memory stays for the next ones.</summary>
    public void Reset()
    {
        _sampleCount = 0;
        _count = 0;
    }

    /// <summary>
    /// Merges observations, sorted ascending, into the samples in one pass from the largest down, then compresses them.
    /// </summary>
    public void Merge(ReadOnlySpan<double> sorted)
    {
        int total = _sampleCount + sorted.Length;
        var merged = t_scratch;
        if (merged is null || merged.Length < total)
        {
            t_scratch = merged = new Sample[Math.Max(total, 1024)];
        }

        var samples = _samples;
        int existing = _sampleCount - 1;
        int write = total - 1;
        for (int b = sorted.Length - 1; b >= 0; b--)
        {
            double value = sorted[b];

            // An observation ranks after the kept samples of equal value, as one inserted later would.
            while (existing >= 0 && samples[existing].Value > value)
            {
                merged[write--] = samples[existing--];
            }

            // Placed in ascending order, each would be a new maximum when no kept sample is above it, a new minimum
            // when nothing is below it: both known exactly. Elsewhere its rank is known as closely as that of the
            // sample above it, just placed at write + 1, which bounds it (Greenwald and Khanna's rule); the published
            // delta, from the invariant at its rank, can claim more than is known.
            bool edge = existing == _sampleCount - 1 || (existing < 0 && b == 0);
            double delta = edge ? 0 : Math.Max(0, merged[write + 1].Width + merged[write + 1].Delta - 1);
            merged[write--] = new Sample(value, 1, delta);
        }

        // The kept samples below every observation.
        Array.Copy(samples, 0, merged, 0, existing + 1);
        _count += sorted.Length;
        int kept = Compress(merged, total);

        int live = total - kept;
        if (samples.Length < live || samples.Length > (2 * live) + 16)
        {
            // A quarter more than needed, so that a stream that grows slowly does not allocate at every merge.
            _samples = samples = new Sample[live + (live / 4)];
        }

        Array.Copy(merged, kept, samples, 0, live);
        _sampleCount = live;
    }

    // Folds each sample into its successor while the pair's rank uncertainty stays within the invariant at its rank,
    // from the largest down; returns where the kept samples start (they end at count).
    private int Compress(Sample[] samples, int count)
    {
        int kept = count - 1;
        if (count < 2)
        {
            return 0;
        }

        double rank = _count - 1 - samples[kept].Width;
        for (int i = count - 2; i >= 0; i--)
        {
            var current = samples[i];
            // At both ranks: the merged sample stands where the one above was, whose allowance may be the narrower.
            if (current.Width + samples[kept].Width + samples[kept].Delta <= Math.Min(Invariant(rank), Invariant(rank + current.Width)))
            {
                samples[kept].Width += current.Width;
            }
            else
            {
                samples[--kept] = current;
            }

            rank -= current.Width;
        }

        return kept;
    }

    private double Invariant(double rank) => targets.Invariant(rank, _count);

    /// <summary>A kept observation: its value, how many observations it stands for, and the uncertainty of its rank.</summary>
    private struct Sample(double value, double width, double delta)
    {
        public readonly double Value = value;
        public double Width = width;
        public readonly double Delta = delta;
    }
}
