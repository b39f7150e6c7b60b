namespace MetricCollector.Collector;

/// <summary>
/// Targeted quantiles of a stream of observations, within each objective's error in rank, in memory far below the count
/// (tens of samples for a million observations in the orders measured; bench/README.md names an order that still grows
/// them): the algorithm of Cormode, Korn, Muthukrishnan and Srivastava ("Effective computation of biased quantiles over
/// data streams", ICDE 2005), which the Prometheus client libraries use for summaries, made to keep its error for every
/// order of observations (the published one does not: see <see cref="QuantileTargets"/>): a tighter invariant, checked
/// over every rank a merged sample would stand for; an observation's rank uncertainty taken from the sample above it;
/// equal values kept as one block of copies and the largest and smallest samples kept apart, so that runs of
/// observations under a full sample do not grow the samples with the count; and a query that picks the sample whose
/// value's possible ranks stray least. Observations come in sorted runs (<see cref="QuantileWindow"/> buffers them)
/// merged into the sorted sample list; samples are only combined where the error allows, so a stream of few
/// observations keeps each one and answers exactly: the p99 of 5 and 100 is 100. Not thread-safe:
/// <see cref="SummarySeries"/> calls it under its lock.
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
        // The kept sample whose value stands at ranks straying least from the wanted one: its top copy's rank lies
        // between the widths up to it and that plus its delta, and its copies take the ranks just below that one.
        double wanted = Math.Ceiling(quantile * _count);
        double best = double.NaN;
        double bestStray = double.MaxValue;
        double lowest = 0;
        for (int i = 0; i < _sampleCount; i++)
        {
            var sample = _samples[i];
            lowest += sample.Width;
            double stray = Math.Max(wanted - lowest, lowest + sample.Delta - (sample.Copies - 1) - wanted);
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

            if (existing >= 0 && samples[existing].Value == value)
            {
                // One more copy of a kept value: ranked just below it (equal values are ordered as suits), so the kept
                // sample's ranks move up by one and stay as certain. A run of one value, however long, stays one sample.
                samples[existing].Width++;
                samples[existing].Copies++;
                continue;
            }

            // Above every kept sample, or below every one (the largest and the smallest are never folded, so they are the
            // kept extremes), its rank is known exactly: the kept observations, or none of them, and this run's below
            // it. Elsewhere it ranks below every copy of the sample above it, just placed at write + 1, whose ranks
            // bound it (Greenwald and Khanna's rule, less those copies); the published delta, from the invariant at its
            // rank, can claim more than is known.
            double delta = 0;
            if (existing != _sampleCount - 1 && existing >= 0)
            {
                ref var above = ref merged[write + 1];
                delta = Math.Max(0, above.Width + above.Delta - above.Copies);
            }

            merged[write--] = new Sample(value, 1, delta);
        }

        // The kept samples below every observation.
        int start = write - existing;
        Array.Copy(samples, 0, merged, start, existing + 1);
        _count += sorted.Length;
        int kept = Compress(merged, start, total);

        int live = total - kept;
        if (samples.Length < live || samples.Length > (2 * live) + 16)
        {
            // A quarter more than needed, so that a stream that grows slowly does not allocate at every merge.
            _samples = samples = new Sample[live + (live / 4)];
        }

        Array.Copy(merged, kept, samples, 0, live);
        _sampleCount = live;
    }

    // Folds each sample into its successor while the pair's rank uncertainty stays within the invariant, from the
    // largest down, never into the largest nor the smallest away (both kept exact, as Greenwald and Khanna keep them: a
    // maximum that absorbed the samples below it would pass its uncertainty to every later observation placed under
    // it, which then could not be folded, and a run of such observations grew the samples with the count; a folded
    // minimum would leave observations below the smallest sample, and a new one below it would claim an exact rank it
    // does not have); samples of one value always fold, as one block of copies. The samples are samples[start..end);
    // returns where the kept ones start (they end at end).
    private int Compress(Sample[] samples, int start, int end)
    {
        int kept = end - 1;
        if (end - start < 2)
        {
            return start;
        }

        double rank = _count - 1 - samples[kept].Width;
        for (int i = end - 2; i >= start; i--)
        {
            var current = samples[i];
            if (current.Value == samples[kept].Value)
            {
                // The one above's own width is all copies too: nothing but its value lies between the two.
                samples[kept].Copies = samples[kept].Width + current.Copies;
                samples[kept].Width += current.Width;
            }
            else if (kept != end - 1 && i != start && current.Width + samples[kept].Width + samples[kept].Delta
                <= targets.InvariantOver(rank - current.Width + 1, rank + samples[kept].Width, _count))
            {
                // Checked over every rank the merged sample would stand for, from the lowest observation below this
                // one to the one above: at one rank only (the published check), a sample above a quantile with an
                // error wider than the quantile could absorb every observation below it, and that quantile's answer.
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

    /// <summary>
    /// A kept observation: its value, how many observations it stands for (those ranked after the sample below it, up
    /// to it), the uncertainty of its rank, and how many of those observations, ranked just below it, equal its value.
    /// </summary>
    private struct Sample(double value, double width, double delta)
    {
        public readonly double Value = value;
        public double Width = width;
        public readonly double Delta = delta;
        public double Copies = 1;
    }
}
