using CsCheck;
using MetricCollector.Collector;
using MetricCollector.Recording;

namespace MetricCollector.Tests.Collector;

/// <summary>
/// The summary's quantile estimator: exact for a few observations, and within each objective's error in rank for any
/// stream in any order, merged in runs of any length (a full buffer, or what a scrape found), in memory far below the count.
/// </summary>
public sealed class QuantileStreamTests
{
    private static readonly QuantileObjective[] Defaults = [.. DefaultObjectives.Value];

    [Theory]
    [InlineData(new double[] { 5, 100 }, 0.99, 100)]
    [InlineData(new double[] { 5, 100 }, 0.5, 5)]
    [InlineData(new double[] { 3, 1, 2, 10 }, 0.5, 2)]
    [InlineData(new double[] { 3, 1, 2, 10 }, 0.9, 10)]
    [InlineData(new double[] { 7 }, 0.01, 7)]
    public void A_few_observations_give_their_exact_quantiles(double[] observations, double quantile, double expected)
    {
        var stream = Fed([new QuantileObjective(quantile, 0.001)], observations, run: 500);

        Assert.Equal(expected, stream.Query(quantile));
    }

    [Fact]
    public void An_empty_stream_and_a_reset_one_give_NaN()
    {
        var stream = new QuantileStream(new QuantileTargets(Defaults));
        Assert.True(double.IsNaN(stream.Query(0.5)));

        stream = Fed(Defaults, [.. Enumerable.Range(0, 5000).Select(i => (double)i)], run: 500);
        Assert.Equal(5000, stream.Count);
        stream.Reset();

        Assert.True(double.IsNaN(stream.Query(0.5)));
        Assert.Equal(0, stream.Count);
    }

    [Fact]
    public void Every_objective_is_within_its_error_in_rank_for_any_stream()
    {
        // Streams of up to 30,000 observations in any order: sorted, reversed, random, many equal values; merged in
        // runs of any length.
        var shape = Gen.OneOf(
            Gen.Double[0, 1000].Array[1, 30_000],
            Gen.Int[0, 20].Select(i => (double)i).Array[1, 30_000],
            Gen.Int[1, 30_000].Select(n => Enumerable.Range(0, n).Select(i => (double)i).ToArray()),
            Gen.Int[1, 30_000].Select(n => Enumerable.Range(0, n).Select(i => (double)(n - i)).ToArray()),
            Gen.Double.Where(d => double.IsFinite(d) && d >= 0).Array[1, 3000],
            // A review's: descending with noise, which in runs of 1 once let a new smallest observation claim an exact
            // rank it did not have (a folded minimum).
            Gen.Select(Gen.Int[1, 3000], Gen.Int[0, int.MaxValue], (n, seed) =>
            {
                var noise = new Random(seed);
                return Enumerable.Range(0, n).Select(i => (n - i) * (1 + (0.01 * noise.NextDouble()))).ToArray();
            }));
        var objectives = Gen.Select(Gen.Double[0.001, 0.999], Gen.OneOf(0.001, 0.01, 0.05)).Array[1, 4]
            .Select(pairs => pairs.DistinctBy(p => p.Item1).Select(p => new QuantileObjective(p.Item1, p.Item2)).ToArray());
        Gen.Select(shape, Gen.OneOf(Gen.Const(Defaults), objectives), Gen.OneOf(Gen.Const(500), Gen.Const(1), Gen.Int[1, 500])).Sample((values, wanted, run) =>
        {
            var stream = Fed(wanted, values, run);

            double[] sorted = [.. values.Order()];
            foreach (var objective in wanted)
            {
                AssertWithinError(sorted, objective, stream.Query(objective.Quantile));
            }
        }, iter: 300, threads: 1);
    }

    [Fact]
    public void An_adversary_placing_each_observation_under_the_smallest_sample_cannot_move_the_median()
    {
        // A review's adaptive adversary (adversarial-order.txt: 2,000 observations as their ranks, in the order sent):
        // 100 in one run, then one at a time, each between the smallest kept sample and the largest observation below
        // it. While the smallest sample could be folded into the one above, each new smallest observation claimed
        // rank 1, and the median came out at rank 1,881 of 2,000.
        double[] values = [.. File.ReadAllLines(RepositoryPaths.Of("tests", "MetricCollector.Tests", "Collector", "adversarial-order.txt"))
            .Select(line => double.Parse(line, System.Globalization.CultureInfo.InvariantCulture))];
        var stream = Fed(Defaults, values[..100], run: 100);
        foreach (double value in values[100..])
        {
            stream.Merge([value]);
        }

        double[] sorted = [.. values.Order()];
        foreach (var objective in Defaults)
        {
            AssertWithinError(sorted, objective, stream.Query(objective.Quantile));
        }
    }

    [Theory]
    [InlineData("random")]
    [InlineData("ascending")]
    [InlineData("descending")]
    [InlineData("one value")]
    [InlineData("one spike, then zeros")]
    [InlineData("one spike, then rising")]
    [InlineData("random, then one value")]
    [InlineData("zeros, a one every 50,000")]
    public void A_million_observations_in_any_of_these_orders_are_held_in_at_most_a_thousand_samples(string order)
    {
        // The last five are a review's: before equal values were kept as one block of copies and the maximum kept
        // apart, each grew the samples with the count (8,939 samples a stream after a spike and a million zeros),
        // and each merge, a pass over them all, with it.
        // Descending is the order the published algorithm gets wrong: prometheus-net's summary, fed 100,000 down to 1,
        // shows a median of 43,774 (6.2% off for an error of 5%); measured for this test's design.
        var random = new Random(7);
        var values = new double[1_000_000];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = order switch
            {
                "random" => random.NextDouble() * 1000,
                "ascending" => i,
                "descending" => values.Length - i,
                "one value" => 3,
                "one spike, then zeros" => i == 0 ? 1 : 0,
                "one spike, then rising" => i == 0 ? 1e9 : i,
                "random, then one value" => i < 1000 ? random.NextDouble() * 10 : 3,
                _ => i % 50_000 == 0 ? 1 : 0,
            };
        }

        var stream = Fed(Defaults, values, run: 500);

        Array.Sort(values);
        foreach (var objective in Defaults)
        {
            AssertWithinError(values, objective, stream.Query(objective.Quantile));
        }

        Assert.Equal(1_000_000, stream.Count);
        // Measured: 86 random, 80 ascending, 66 descending, 1 to 79 for the others.
        Assert.InRange(stream.SampleCount, 1, 1000);
    }

    /// <summary>The observations merged as QuantileWindow merges them: in sorted runs of <paramref name="run"/>.</summary>
    private static QuantileStream Fed(QuantileObjective[] objectives, double[] values, int run)
    {
        var stream = new QuantileStream(new QuantileTargets(objectives));
        for (int start = 0; start < values.Length; start += run)
        {
            double[] sorted = values[start..Math.Min(values.Length, start + run)];
            Array.Sort(sorted);
            stream.Merge(sorted);
        }

        return stream;
    }

    /// <summary>
    /// The value's ranks among the sorted observations (all its copies) must meet the objective's rank interval
    /// [(q - e) n, (q + e) n], with one rank of slack for rounding.
    /// </summary>
    private static void AssertWithinError(double[] sorted, QuantileObjective objective, double value)
    {
        int n = sorted.Length;
        int below = LowerBound(sorted, value);
        int upTo = UpperBound(sorted, value);
        Assert.True(upTo > below, $"{value} was never observed");
        double lowest = ((objective.Quantile - objective.Error) * n) - 1;
        double highest = ((objective.Quantile + objective.Error) * n) + 1;
        Assert.True(upTo >= lowest && below <= highest,
            $"q {objective.Quantile} e {objective.Error} n {n}: {value} has ranks {below}..{upTo}, wanted within {lowest:F1}..{highest:F1}");
    }

    private static int LowerBound(double[] sorted, double value)
    {
        int index = Array.BinarySearch(sorted, value);
        if (index < 0)
        {
            return ~index;
        }

        while (index > 0 && sorted[index - 1] == value)
        {
            index--;
        }

        return index;
    }

    private static int UpperBound(double[] sorted, double value)
    {
        int index = LowerBound(sorted, value);
        while (index < sorted.Length && sorted[index] == value)
        {
            index++;
        }

        return index;
    }
}
