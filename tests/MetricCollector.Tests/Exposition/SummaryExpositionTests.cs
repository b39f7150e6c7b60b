using System.Globalization;
using CsCheck;
using Microsoft.Extensions.Time.Testing;
using MetricCollector.Collector;
using MetricCollector.Exposition;
using MetricCollector.Recording;
using Prometheus;

namespace MetricCollector.Tests.Exposition;

/// <summary>
/// Pushed summaries are kept and written by the collector instead of prometheus-net. These tests prove it writes what
/// prometheus-net 8.2.1 writes for the same family, byte for byte, in both formats (but the HELP text, which
/// prometheus-net does not escape): HELP and TYPE lines, <c>_sum</c>, <c>_count</c> and one line per objective in
/// prometheus-net's order, the <c>quantile</c> label of every kind of objective, label escaping, number formats,
/// removed series left out, series in creation order. Each series observes one value some times, so that its every
/// quantile is that value whatever the estimator (ours is not prometheus-net's: see QuantileStreamTests).
/// </summary>
public sealed class SummaryExpositionTests
{
    private const int Families = 1000;

    /// <summary>Quantiles at the corners of "g" formatting: tiny, long, and the usual ones.</summary>
    private static readonly Gen<double> Quantile = Gen.Frequency(
        (3, Gen.OneOf(0.5, 0.9, 0.99, 0.999, 0.25, 0.75, 0.1, 1e-5, 1.5e-7, 0.999999, 0.30000000000000004, double.Epsilon, 1 - 1e-16)),
        (1, Gen.Double[0, 1].Where(q => q is > 0 and < 1)));

    private static readonly Gen<QuantileObjective[]> Objectives = Gen.Select(Quantile, Gen.OneOf(0.05, 0.01, 0.001, 0.5)).Array[1, 6]
        .Select(pairs => pairs.DistinctBy(pair => pair.Item1).Select(pair => new QuantileObjective(pair.Item1, pair.Item2)).ToArray());

    /// <summary>
    /// Observations as the record path takes them: finite and >= 0, whole numbers (OpenMetrics adds ".0") and not. An
    /// observation of -0 is written as 0 on purpose, where prometheus-net writes a quantile "-0": compared as 0 here,
    /// and proved by SummaryWindowTests.A_negative_zero_observation_is_shown_as_zero.
    /// </summary>
    private static readonly Gen<double> Observation = Gen.Frequency(
        (3, ValueExpositionTests.AnyNumber.Where(d => double.IsFinite(d) && d >= 0 && d < 1e300).Select(d => d + 0.0)),
        (2, Gen.Int[0, 1000].Select(i => (double)i)),
        (1, Gen.OneOf(0.0, 1.0, 0.2, 1e-300, 1e15, 123456789.0)));

    private static readonly Gen<FamilySpec> Family =
        from name in ValueExpositionTests.MetricName
        from help in ValueExpositionTests.Help
        from labelNames in ValueExpositionTests.LabelNames
        from objectives in Objectives
        from count in Gen.Frequency((2, Gen.Int[0, 1]), (3, Gen.Int[2, 8]))
        from labelValues in ValueExpositionTests.LabelValue.Array[labelNames.Length].Array[count]
        from observations in Gen.Select(Observation, Gen.Int[1, 7]).Array[count]
        from removed in Gen.Int[0, 5].Array[count]
        select new FamilySpec(name, help, labelNames, objectives, Distinct(labelValues, observations, removed, labelNames.Length));

    [Fact]
    public async Task Our_writer_writes_every_generated_summary_family_as_prometheus_net_does_in_both_formats()
    {
        int ordered = 0, removedSeries = 0, written = 0;
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

            Interlocked.Add(ref removedSeries, family.Series.Count(s => s.Removed));
            Interlocked.Add(ref written, family.Series.Count(s => !s.Removed));
        }, iter: Families, threads: 1, print: family => family.ToString());

        // The generator must reach families whose series order matters, and removed series.
        Assert.True(ordered > Families / 5, $"only {ordered} families with 3 series or more");
        Assert.True(removedSeries > Families / 5 && written > Families, $"{removedSeries} removed, {written} written");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Series_larger_than_the_writers_buffer_and_families_of_many_series_are_written_whole(bool openMetrics)
    {
        // One series of ~50 KB per line (several times the 64 KB buffer), and a family of 3000 small series.
        string huge = string.Concat(Enumerable.Repeat("ü\"\\\n😀x", 4_000));
        QuantileObjective[] defaults = [.. DefaultObjectives.Value];
        var big = new FamilySpec("huge_seconds", "h", ["a", "b"], defaults,
            [new SeriesSpec([huge, "small"], 0.2, 3, false), new SeriesSpec(["small", huge], 1e9, 1, false), new SeriesSpec(["", ""], 0.01, 2, false)]);
        var many = new FamilySpec("many_seconds", "m", ["k"], defaults,
            [.. Enumerable.Range(0, 3000).Select(i => new SeriesSpec(["k" + i.ToString(CultureInfo.InvariantCulture)], i / 100.0, 1 + (i % 3), i % 7 == 0))]);

        foreach (var family in new[] { big, many })
        {
            ExpositionDiff.AssertSameBytes(await PrometheusNetAsync(family, openMetrics), await OursAsync(family, openMetrics), family, openMetrics);
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_window_without_observations_shows_NaN_quantiles_beside_the_count_and_sum(bool openMetrics)
    {
        var time = new FakeTimeProvider();
        var collector = TestCollector.Create(new MetricCollectorOptions { SummaryMaxAge = TimeSpan.FromMinutes(1) }, time: time);
        Assert.True(collector.Record(new MetricRecord("idle_seconds", MetricType.Summary) { Values = [1, 2], Objectives = [new QuantileObjective(0.5, 0.05)] }).IsAccepted);

        time.Advance(TimeSpan.FromMinutes(2));

        string three = openMetrics ? "3.0" : "3";
        Assert.Equal(
            ["idle_seconds_sum " + three, "idle_seconds_count 2", "idle_seconds{quantile=\"0.5\"} NaN"],
            (await collector.ExposeAsync(openMetrics ? MetricsFormat.OpenMetrics : MetricsFormat.PrometheusText)).Split('\n').Where(line => line.StartsWith("idle_seconds", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Every_scrape_during_concurrent_observations_shows_count_and_sum_from_one_moment()
    {
        // Writers observe 1s, in records of one or three; so in any consistent copy the sum equals the count.
        var collector = TestCollector.Create();
        using var stop = new CancellationTokenSource();
        var writers = Enumerable.Range(0, 4).Select(_ => Task.Run(() =>
        {
            for (int i = 0; !stop.IsCancellationRequested; i++)
            {
                IReadOnlyList<double> values = i % 2 == 0 ? [1, 1, 1] : [1];
                Assert.True(collector.Record(new MetricRecord("race_seconds", MetricType.Summary) { Values = values }).IsAccepted);
            }
        })).ToArray();

        int scrapes = 0;
        double lastCount = 0;
        while (scrapes < 200 || lastCount < 10_000)
        {
            var samples = TestCollector.Samples(await collector.ExposeAsync());
            if (samples.TryGetValue("race_seconds_count", out double count))
            {
                Assert.Equal(count, samples["race_seconds_sum"]);
                Assert.Equal(1, samples["race_seconds{quantile=\"0.99\"}"]);
                Assert.True(count >= lastCount, $"the count went back from {lastCount} to {count}");
                lastCount = count;
            }

            scrapes++;
        }

        await stop.CancelAsync();
        await Task.WhenAll(writers);
    }

    private static async Task<byte[]> PrometheusNetAsync(FamilySpec family, bool openMetrics)
    {
        var registry = Metrics.NewCustomRegistry();
        var factory = Metrics.WithCustomRegistry(registry);
        factory.ExemplarBehavior = ExemplarBehavior.NoExemplars();
        // prometheus-net writes the help as it is given: given it escaped as the format requires, every other byte is compared.
        var summary = factory.CreateSummary(family.Name, SampleText.EscapeHelp(family.Help, openMetrics), new SummaryConfiguration
        {
            LabelNames = family.LabelNames,
            SuppressInitialValue = true,
            Objectives = [.. family.Objectives.Select(o => new QuantileEpsilonPair(o.Quantile, o.Error))],
        });
        foreach (var series in family.Series)
        {
            var child = summary.WithLabels(series.Labels);
            for (int i = 0; i < series.Times; i++)
            {
                child.Observe(series.Value);
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
        var definition = new MetricDefinition(family.Name, MetricType.Summary, family.LabelNames, null, family.Objectives, family.Help);
        var metric = PrometheusMetricCollector.NewSummary(definition, new SeriesBudget(10_000), 10_000, TimeSpan.FromMinutes(10), TimeProvider.System);
        foreach (var series in family.Series)
        {
            var record = new MetricRecord(family.Name, MetricType.Summary) { Values = [.. Enumerable.Repeat(series.Value, series.Times)] };
            Assert.Equal(SeriesApplyResult.Applied, metric.TryApply(record, [.. series.Labels], TimeProvider.System.GetTimestamp(), null));
            if (series.Removed)
            {
                var matchers = family.LabelNames.Zip(series.Labels).ToDictionary(pair => pair.First, pair => pair.Second, StringComparer.Ordinal);
                Assert.Equal(1, metric.RemoveMatching(matchers));
            }
        }

        using var stream = new MemoryStream();
        await PushedExpositionWriter.WriteAsync(stream, [[new SummaryFamily(metric, TimeProvider.System)]], openMetrics, CancellationToken.None);
        return stream.ToArray();
    }

    /// <summary>Series with distinct label values (a repeated set is one series); a series is removed one time in six.</summary>
    private static SeriesSpec[] Distinct(string[][] labelValues, (double Value, int Times)[] observations, int[] removed, int labelCount)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var series = new List<SeriesSpec>();
        for (int i = 0; i < labelValues.Length; i++)
        {
            // Without labels a family has one series at most.
            string key = labelCount == 0 ? "" : string.Join("\u0000\uffff", labelValues[i]);
            if (seen.Add(key))
            {
                series.Add(new SeriesSpec(labelValues[i], observations[i].Value, observations[i].Times, removed[i] == 0));
            }
        }

        return [.. series];
    }

    private sealed record SeriesSpec(string[] Labels, double Value, int Times, bool Removed)
    {
        public override string ToString() =>
            $"[{string.Join(", ", Labels.Select(ExpositionDiff.Escape))}] = {ExpositionDiff.Number(Value)} x {Times}{(Removed ? " (removed)" : "")}";
    }

    private sealed record FamilySpec(string Name, string Help, string[] LabelNames, QuantileObjective[] Objectives, SeriesSpec[] Series)
    {
        public override string ToString() =>
            $"{Name} help {ExpositionDiff.Escape(Help)} labels [{string.Join(", ", LabelNames)}] objectives [{string.Join(", ", Objectives.Select(o => ExpositionDiff.Number(o.Quantile)))}] series {string.Join("; ", Series.Select(s => s.ToString()))}";
    }

}
