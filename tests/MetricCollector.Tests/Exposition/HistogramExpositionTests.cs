using System.Globalization;
using System.Text;
using CsCheck;
using MetricCollector.Collector;
using MetricCollector.Exposition;
using MetricCollector.Recording;
using Prometheus;

namespace MetricCollector.Tests.Exposition;

/// <summary>
/// Pushed histograms are kept and written by the collector instead of prometheus-net. These tests prove it writes
/// what prometheus-net 8.2.1 writes for the same family, byte for byte, in both formats (but the HELP text, which prometheus-net does not escape): HELP and TYPE lines, the
/// <c>le</c> label of every kind of bound, <c>_sum</c>, <c>_count</c> and <c>_bucket</c> in prometheus-net's order,
/// label escaping, the sum's number format, removed series left out, series in creation order; and that unlike
/// prometheus-net every series a scrape shows is one consistent set of observations.
/// </summary>
public sealed class HistogramExpositionTests
{
    private const int Families = 2000;

    /// <summary>Bounds at the corners of "g" formatting: whole numbers (OpenMetrics adds ".0"), exponents, negatives, tiny and huge.</summary>
    private static readonly Gen<double> Bound = Gen.Frequency(
        (3, Gen.OneOf(
            0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1.0, 2.5, 5.0, 7.5, 10.0, 0.0, -1.0, -0.5, 1e-5, 1e-4, 1.5e-7,
            1e14, 1e15, 1e16, 1e17, 1e21, 123456789.0, 0.30000000000000004, double.Epsilon, -1e300, 1e300, double.MaxValue, double.MinValue)),
        (2, Gen.Int[-100, 1000].Select(i => (double)i)),
        (2, Gen.Double[-1e6, 1e6]),
        (1, Gen.Double.Where(double.IsFinite)));

    /// <summary>Strictly increasing bounds, as the record path demands; now and then ending in +Inf, which prometheus-net then does not add again.</summary>
    private static readonly Gen<double[]> Buckets = Gen.Select(Bound.Array[1, 12], Gen.Int[0, 9], (bounds, inf) =>
    {
        var increasing = new List<double>(bounds.Length + 1);
        // A bound of -0.0 is written le="0" on purpose, where prometheus-net writes "-0": compared as 0.0 here, and
        // proved by A_bound_sent_as_negative_zero_is_written_as_zero.
        foreach (double bound in bounds.Select(b => b + 0.0).Order())
        {
            if (increasing.Count == 0 || bound > increasing[^1])
            {
                increasing.Add(bound);
            }
        }

        if (inf == 0)
        {
            increasing.Add(double.PositiveInfinity);
        }

        return increasing.ToArray();
    });

    /// <summary>
    /// Observations: any number, and often one equal to a bound (a value equal to a bound counts in that bucket). The
    /// record path refuses negative and non-finite ones, but the store must still count them as prometheus-net would:
    /// -Inf in the first bucket, +Inf in the last, NaN not at all; sums that overflow are written as prometheus-net writes them.
    /// </summary>
    private static readonly Gen<double> Observation = Gen.Frequency(
        (6, ValueExpositionTests.AnyNumber.Where(d => !double.IsNaN(d))),
        (3, Bound),
        (1, Gen.OneOf(0.0, -0.0, 1e-300, 1e300)));

    private static readonly Gen<FamilySpec> Family =
        from name in ValueExpositionTests.MetricName
        from help in ValueExpositionTests.Help
        from labelNames in ValueExpositionTests.LabelNames
        from buckets in Buckets
        from count in Gen.Frequency((2, Gen.Int[0, 1]), (3, Gen.Int[2, 8]))
        from labelValues in ValueExpositionTests.LabelValue.Array[labelNames.Length].Array[count]
        from observations in Observation.Array[1, 8].Array[count]
        from nan in Gen.Int[0, 9].Array[count]
        from removed in Gen.Int[0, 5].Array[count]
        select new FamilySpec(name, help, labelNames, buckets, Distinct(labelValues, observations, nan, removed, labelNames.Length));

    [Fact]
    public async Task A_bound_sent_as_negative_zero_is_written_as_zero()
    {
        var collector = TestCollector.Create();

        var outcome = await collector.RecordAsync(new MetricRecord("neg_zero_seconds", MetricType.Histogram) { Value = 0, Buckets = [-0.0, 1] });

        Assert.True(outcome.IsAccepted);
        Assert.Contains("neg_zero_seconds_bucket{le=\"0\"} 1", await collector.ExposeAsync(), StringComparison.Ordinal);
        Assert.Contains("neg_zero_seconds_bucket{le=\"0.0\"} 1", await collector.ExposeAsync(MetricsFormat.OpenMetrics), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Our_writer_writes_every_generated_histogram_family_as_prometheus_net_does_in_both_formats()
    {
        int ordered = 0, removedSeries = 0, written = 0, integerBounds = 0;
        await Family.SampleAsync(async family =>
        {
            foreach (bool openMetrics in new[] { false, true })
            {
                ExpositionDiff.AssertSameBytes(await PrometheusNetAsync(family, openMetrics), await OursAsync(family, openMetrics), family, openMetrics);
            }

            if (family.Series.Count(s => !s.Removed) >= 3)
            {
                Interlocked.Increment(ref ordered);
            }

            if (family.Buckets.Any(b => b == Math.Truncate(b) && Math.Abs(b) < 1e15))
            {
                Interlocked.Increment(ref integerBounds);
            }

            Interlocked.Add(ref removedSeries, family.Series.Count(s => s.Removed));
            Interlocked.Add(ref written, family.Series.Count(s => !s.Removed));
        }, iter: Families, threads: 1, print: family => family.ToString());

        // The generator must reach families whose series order matters, removed series and whole-number bounds.
        Assert.True(ordered > Families / 5, $"only {ordered} families with 3 series or more");
        Assert.True(removedSeries > Families / 5 && written > Families, $"{removedSeries} removed, {written} written");
        Assert.True(integerBounds > Families / 5, $"only {integerBounds} families with a whole-number bound");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Series_larger_than_the_writers_buffer_and_families_of_many_series_are_written_whole(bool openMetrics)
    {
        // One series of ~50 KB per line (17 lines: several times the 64 KB buffer), and a family of 3000 small series.
        string huge = string.Concat(Enumerable.Repeat("ü\"\\\n😀x", 4_000));
        var big = new FamilySpec("huge_seconds", "h", ["a", "b"], [.. MetricCollectorOptions.BuiltInBuckets],
            [new SeriesSpec([huge, "small"], [0.2, 3], false), new SeriesSpec(["small", huge], [1e9], false), new SeriesSpec(["", ""], [0.01], false)]);
        var many = new FamilySpec("many_seconds", "m", ["k"], [0.1, 1, 10],
            [.. Enumerable.Range(0, 3000).Select(i => new SeriesSpec(["k" + i.ToString(CultureInfo.InvariantCulture)], [i / 100.0, i], i % 7 == 0))]);

        foreach (var family in new[] { big, many })
        {
            ExpositionDiff.AssertSameBytes(await PrometheusNetAsync(family, openMetrics), await OursAsync(family, openMetrics), family, openMetrics);
        }
    }

    [Fact]
    public async Task Records_applied_to_the_collector_give_what_the_same_observations_gave_on_prometheus_net()
    {
        // The collector's own record path (one value or several per record, default and custom buckets) against
        // prometheus-net's children fed the same values, as the collector did before; compared as whole expositions
        // of the pushed families.
        var step = Gen.Select(Gen.Int[0, 5], Gen.Bool, Gen.OneOf(
            Gen.Double[0, 1e6], Gen.Int[0, 1000].Select(i => (double)i), Gen.OneOf(0.1, 1e308, 0.0, 1.0, 1e-9, 0.005, 10.0, 123456789.0)).Array[1, 5]);
        await step.Array[1, 40].SampleAsync(async steps =>
        {
            var collector = TestCollector.Create();
            var registry = Metrics.NewCustomRegistry();
            var factory = Metrics.WithCustomRegistry(registry);
            factory.ExemplarBehavior = ExemplarBehavior.NoExemplars();
            double[] custom = [0.5, 1, 100, 1e6];
            // Created on first use, as the collector defines a metric with its first record.
            Histogram Default() => factory.CreateHistogram("d_default_seconds", "histogram d_default_seconds, pushed through POST /record.",
                new HistogramConfiguration { LabelNames = ["k"], SuppressInitialValue = true, Buckets = [.. MetricCollectorOptions.BuiltInBuckets] });
            Histogram Custom() => factory.CreateHistogram("d_custom", "histogram d_custom, pushed through POST /record.",
                new HistogramConfiguration { LabelNames = [], SuppressInitialValue = true, Buckets = custom });
            // Each series' sum: a record that would make it infinite is refused (value_overflow) and observes nothing,
            // so prometheus-net is not fed it.
            var sums = new Dictionary<string, double>(StringComparer.Ordinal);
            foreach (var (key, isCustom, values) in steps)
            {
                string label = "k" + key.ToString(CultureInfo.InvariantCulture);
                var record = isCustom
                    ? new MetricRecord("d_custom", MetricType.Histogram) { Buckets = custom }
                    : new MetricRecord("d_default_seconds", MetricType.Histogram) { Labels = TestCollector.Labels(("k", label)) };
                record = values.Length == 1 ? record with { Value = values[0] } : record with { Values = values };
                var outcome = collector.Record(record);
                string series = isCustom ? "custom" : label;
                double sum = sums.GetValueOrDefault(series);
                foreach (double value in values)
                {
                    sum += value;
                }

                if (!double.IsFinite(sum))
                {
                    Assert.Equal(RejectionReason.ValueOverflow, outcome.Rejection?.Reason);
                    continue;
                }

                Assert.True(outcome.IsAccepted, outcome.Rejection?.Detail);
                sums[series] = sum;
                IHistogram child = isCustom ? Custom() : Default().WithLabels(label);
                foreach (double value in values)
                {
                    child.Observe(value);
                }
            }

            foreach (var format in new[] { MetricsFormat.PrometheusText, MetricsFormat.OpenMetrics })
            {
                using var stream = new MemoryStream();
                await registry.CollectAndExportAsTextAsync(stream, format == MetricsFormat.OpenMetrics ? ExpositionFormat.OpenMetricsText : ExpositionFormat.PrometheusText);
                var expected = PushedLines(Encoding.UTF8.GetString(stream.ToArray()));
                var actual = PushedLines(await collector.ExposeAsync(format));
                Assert.Equal(expected, actual);
            }
        }, iter: 300, threads: 1);
    }

    [Fact]
    public async Task Every_scrape_during_concurrent_observations_shows_each_series_as_one_set_of_observations()
    {
        // Two series, "0" and "1", of a histogram with buckets [1, 2]; writers observe 1s and 2s in records of one or
        // three observations (see HistogramRace for what a consistent scrape shows).
        var collector = TestCollector.Create();
        foreach (string w in new[] { "0", "1" })
        {
            Assert.True(collector.Record(new MetricRecord("race_seconds", MetricType.Histogram) { Value = 1, Buckets = [1, 2], Labels = TestCollector.Labels(("w", w)) }).IsAccepted);
        }

        using var stop = new CancellationTokenSource();
        var writers = Enumerable.Range(0, 4).Select(w => Task.Run(() =>
        {
            var labels = TestCollector.Labels(("w", (w % 2).ToString(CultureInfo.InvariantCulture)));
            for (int i = 0; !stop.IsCancellationRequested; i++)
            {
                IReadOnlyList<double> values = i % 3 == 0 ? [1, 2, 2] : [i % 2 + 1];
                Assert.True(collector.Record(new MetricRecord("race_seconds", MetricType.Histogram) { Values = values, Labels = labels }).IsAccepted);
            }
        })).ToArray();

        await HistogramRace.AssertEveryScrapeConsistentAsync(collector, "race_seconds", w => $"w=\"{w}\"", stop, writers);
    }

    /// <summary>
    /// prometheus-net writes the help as it is given, so a backslash or line feed in it breaks its exposition; it is
    /// given the help escaped as the format requires, which proves every other byte of ours equal to its.
    /// </summary>
    private static string HelpAsEscaped(string help, bool openMetrics) => SampleText.EscapeHelp(help, openMetrics);

    private static async Task<byte[]> PrometheusNetAsync(FamilySpec family, bool openMetrics)
    {
        var registry = Metrics.NewCustomRegistry();
        var factory = Metrics.WithCustomRegistry(registry);
        factory.ExemplarBehavior = ExemplarBehavior.NoExemplars();
        var histogram = factory.CreateHistogram(family.Name, HelpAsEscaped(family.Help, openMetrics), new HistogramConfiguration
        {
            LabelNames = family.LabelNames,
            SuppressInitialValue = true,
            Buckets = family.Buckets,
        });
        foreach (var series in family.Series)
        {
            var child = histogram.WithLabels(series.Labels);
            foreach (double value in series.Observations)
            {
                child.Observe(value);
            }

            if (series.Removed)
            {
                child.Remove();
            }
        }

        using var stream = new MemoryStream();
        await registry.CollectAndExportAsTextAsync(stream, openMetrics ? ExpositionFormat.OpenMetricsText : ExpositionFormat.PrometheusText);
        return stream.ToArray();
    }

    private static async Task<byte[]> OursAsync(FamilySpec family, bool openMetrics)
    {
        var definition = new MetricDefinition(family.Name, MetricType.Histogram, family.LabelNames, family.Buckets, null, family.Help);
        // The writer is under test, with any observations (NaN, infinities, sums that overflow): fed through the
        // host histograms' observe, which takes them all as prometheus-net does; the record path refuses some.
        double[] bounds = HistogramSeries.UpperBounds(definition.Buckets!);
        var metric = new PushedMetric<HistogramSeries>(definition, new SeriesBudget(10_000), 10_000, _ => new HistogramSeries(bounds.Length), (series, record, _) =>
        {
            foreach (double value in record.Values!)
            {
                series.Observe(bounds, value);
            }

            return true;
        }, keepRoster: true);
        foreach (var series in family.Series)
        {
            var record = new MetricRecord(family.Name, MetricType.Histogram) { Values = series.Observations };
            Assert.Equal(SeriesApplyResult.Applied, metric.TryApply(record, [.. series.Labels], 1, null));
            if (series.Removed)
            {
                var matchers = family.LabelNames.Zip(series.Labels).ToDictionary(pair => pair.First, pair => pair.Second, StringComparer.Ordinal);
                Assert.Equal(1, metric.RemoveMatching(matchers));
            }
        }

        using var stream = new MemoryStream();
        await PushedExpositionWriter.WriteAsync(stream, [[new HistogramFamily(metric)]], openMetrics, CancellationToken.None);
        return stream.ToArray();
    }

    /// <summary>
    /// Series with distinct label values (a repeated set is one series); a series is removed one time in six, and one
    /// in ten has a NaN among its observations (ignored, as prometheus-net ignores it; never its only one, since
    /// prometheus-net would then not publish the series, and the record path refuses NaN anyway).
    /// </summary>
    private static SeriesSpec[] Distinct(string[][] labelValues, double[][] observations, int[] nan, int[] removed, int labelCount)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var series = new List<SeriesSpec>();
        for (int i = 0; i < labelValues.Length; i++)
        {
            // Without labels a family has one series at most.
            string key = labelCount == 0 ? "" : string.Join("\u0000\uffff", labelValues[i]);
            if (seen.Add(key))
            {
                double[] values = nan[i] == 0 ? [.. observations[i], double.NaN] : observations[i];
                series.Add(new SeriesSpec(labelValues[i], values, removed[i] == 0));
            }
        }

        return [.. series];
    }

    /// <summary>The lines of the pushed families (named d_*).</summary>
    private static List<string> PushedLines(string exposition) =>
        [.. exposition.Split('\n')
            .Where(line => line.StartsWith("d_", StringComparison.Ordinal) || line.StartsWith("# HELP d_", StringComparison.Ordinal) || line.StartsWith("# TYPE d_", StringComparison.Ordinal))];

    private sealed record SeriesSpec(string[] Labels, double[] Observations, bool Removed)
    {
        public override string ToString() =>
            $"[{string.Join(", ", Labels.Select(ExpositionDiff.Escape))}] = [{string.Join(", ", Observations.Select(ExpositionDiff.Number))}]{(Removed ? " (removed)" : "")}";
    }

    private sealed record FamilySpec(string Name, string Help, string[] LabelNames, double[] Buckets, SeriesSpec[] Series)
    {
        public override string ToString() =>
            $"{Name} help {ExpositionDiff.Escape(Help)} labels [{string.Join(", ", LabelNames)}] buckets [{string.Join(", ", Buckets.Select(ExpositionDiff.Number))}] series {string.Join("; ", Series.Select(s => s.ToString()))}";
    }

}
