using System.Collections.ObjectModel;
using System.Globalization;
using System.Text.Json;

namespace MetricCollector.Client.Tests.Recording;

/// <summary>
/// Asking for a series that exists: found without the registry's lock and without sorting its labels, so these pin
/// down what the lookup must still do: match a label set in any order and in any dictionary, tell apart sets that only
/// look alike, refuse buckets or objectives other than the metric's with the messages of the full check, and give one
/// handle to threads asking for a new series at once.
/// </summary>
public sealed class SeriesLookupTests : IAsyncLifetime
{
    private readonly FakeCollector _collector = new();
    private TestClient _test = null!;

    private MetricCollectorClient Client => _test.Client;

    public Task InitializeAsync()
    {
        _test = TestClient.Create(_collector.Address);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _test.DisposeAsync();
        _collector.Dispose();
    }

    [Fact]
    public void Every_kind_gives_the_same_handle_for_its_labels_in_any_order_and_any_dictionary()
    {
        string[] names = ["a", "b", "c", "d", "e", "f", "g"];
        var ascending = Labels(names);
        var descending = Labels(Enumerable.Reverse(names));
        var shuffled = Labels(["d", "a", "g", "c", "f", "b", "e"]);
        var sorted = new SortedDictionary<string, string>(ascending, StringComparer.Ordinal);
        var readOnly = new ReadOnlyDictionary<string, string>(descending);

        var counter = Client.Counter("jobs_total", ascending);
        var gauge = Client.Gauge("pool_free", ascending);
        var histogram = Client.Histogram("step_seconds", [0.1, 1], ascending);
        var summary = Client.Summary("tool_seconds", [new SummaryObjective(0.5, 0.05)], ascending);

        foreach (IReadOnlyDictionary<string, string> labels in new IReadOnlyDictionary<string, string>[] { descending, shuffled, sorted, readOnly })
        {
            Assert.Same(counter, Client.Counter("jobs_total", labels));
            Assert.Same(gauge, Client.Gauge("pool_free", labels));
            Assert.Same(histogram, Client.Histogram("step_seconds", labels: labels));
            Assert.Same(histogram, Client.Histogram("step_seconds", [0.1, 1], labels));
            Assert.Same(summary, Client.Summary("tool_seconds", labels: labels));
            Assert.Same(summary, Client.Summary("tool_seconds", [new SummaryObjective(0.5, 0.05)], labels));
        }

        // No labels at all, as null or as an empty dictionary, is one series too.
        Assert.Same(Client.Counter("runs_total"), Client.Counter("runs_total", new Dictionary<string, string>()));
    }

    [Fact]
    public void Label_sets_that_only_look_alike_are_different_series()
    {
        var first = Client.Counter("jobs_total", new Dictionary<string, string> { ["a"] = "1", ["b"] = "2" });

        // The same values under swapped names, the same pairs with one value changed, and a value moved to the name.
        Assert.NotSame(first, Client.Counter("jobs_total", new Dictionary<string, string> { ["a"] = "2", ["b"] = "1" }));
        Assert.NotSame(first, Client.Counter("jobs_total", new Dictionary<string, string> { ["b"] = "2", ["a"] = "10" }));
        Assert.NotSame(first, Client.Counter("jobs", new Dictionary<string, string> { ["a"] = "1", ["b"] = "2" }));
        var gauge = Client.Gauge("pool_free", new Dictionary<string, string> { ["x"] = "y" });
        Assert.NotSame(gauge, Client.Gauge("pool_free", new Dictionary<string, string> { ["x"] = "Y" }));

        // The same name and labels as another type is another metric, here one the collector refuses.
        Client.Gauge("step_seconds", new Dictionary<string, string> { ["a"] = "1", ["b"] = "2" });
        Assert.Contains("already a gauge", Assert.Throws<ArgumentException>(() => Client.Histogram("step_seconds", labels: new Dictionary<string, string> { ["a"] = "1", ["b"] = "2" })).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_series_asked_for_again_with_other_buckets_or_objectives_throws_as_a_new_series_would()
    {
        var step = new Dictionary<string, string> { ["step"] = "a" };
        var tool = new Dictionary<string, string> { ["tool"] = "a" };
        var histogram = Client.Histogram("step_seconds", [0.1, 1], step);
        var summary = Client.Summary("tool_seconds", [new SummaryObjective(0.5, 0.05)], tool);
        Assert.Same(histogram, Client.Histogram("step_seconds", [0.1, 1], step));

        foreach (double[] other in new double[][] { [0.1, 2], [0.1], [0.1, 1, 10] })
        {
            var error = Assert.Throws<ArgumentException>(() => Client.Histogram("step_seconds", other, step));
            Assert.Equal("buckets", error.ParamName);
            Assert.Equal(
                $"The histogram 'step_seconds' has the buckets [0.1, 1]; every series of it has those, not [{string.Join(", ", other)}]. Omit them to use the first. (Parameter 'buckets')",
                error.Message);
        }

        var objectives = Assert.Throws<ArgumentException>(() => Client.Summary("tool_seconds", [new SummaryObjective(0.5, 0.01)], tool));
        Assert.Equal("objectives", objectives.ParamName);
        Assert.Equal("The summary 'tool_seconds' has other objectives than these; every series of it has the first ones. Omit them to use the first. (Parameter 'objectives')", objectives.Message);
        Assert.Throws<ArgumentException>(() => Client.Summary("tool_seconds", [new SummaryObjective(0.5, 0.05), new SummaryObjective(0.9, 0.01)], tool));

        // And the series is still there, unchanged, for the right ones.
        Assert.Same(histogram, Client.Histogram("step_seconds", [0.1, 1], step));
        Assert.Same(summary, Client.Summary("tool_seconds", [new SummaryObjective(0.5, 0.05)], tool));
    }

    [Fact]
    public void A_series_first_defined_without_buckets_asked_for_again_with_some_throws_naming_the_defaults()
    {
        var step = new Dictionary<string, string> { ["step"] = "a" };
        var histogram = Client.Histogram("step_seconds", labels: step);
        var summary = Client.Summary("tool_seconds");

        var buckets = Assert.Throws<ArgumentException>(() => Client.Histogram("step_seconds", [0.1, 1], step));
        Assert.Equal(
            "The histogram 'step_seconds' was first defined without buckets, so it has the collector's default ones; omit them here, or give these in its first definition. (Parameter 'buckets')",
            buckets.Message);
        var objectives = Assert.Throws<ArgumentException>(() => Client.Summary("tool_seconds", [new SummaryObjective(0.5, 0.05)]));
        Assert.Equal("objectives", objectives.ParamName);
        Assert.Contains("first defined without objectives", objectives.Message, StringComparison.Ordinal);

        Assert.Same(histogram, Client.Histogram("step_seconds", labels: step));
        Assert.Same(summary, Client.Summary("tool_seconds"));
    }

    [Fact]
    public void A_series_made_without_buckets_takes_its_metrics_buckets_when_asked_for_again()
    {
        Client.Histogram("step_seconds", [0.1, 1], new Dictionary<string, string> { ["step"] = "a" });
        var other = Client.Histogram("step_seconds", labels: new Dictionary<string, string> { ["step"] = "b" });

        Assert.Same(other, Client.Histogram("step_seconds", [0.1, 1], new Dictionary<string, string> { ["step"] = "b" }));
        Assert.Contains("[0.1, 1]", Assert.Throws<ArgumentException>(() => Client.Histogram("step_seconds", [0.1, 5], new Dictionary<string, string> { ["step"] = "b" })).Message, StringComparison.Ordinal);
    }

    /// <summary>
    /// The metric keeps a copy of its first buckets: the series sends that copy, so an array the caller changes
    /// afterwards must be compared with it, not with itself (the metric used to keep the caller's array).
    /// </summary>
    [Fact]
    public void Buckets_changed_by_the_caller_after_the_first_definition_are_other_buckets()
    {
        double[] buckets = [0.1, 1];
        var histogram = Client.Histogram("step_seconds", buckets);
        buckets[1] = 2;

        Assert.Contains("[0.1, 1]", Assert.Throws<ArgumentException>(() => Client.Histogram("step_seconds", buckets)).Message, StringComparison.Ordinal);
        Assert.Same(histogram, Client.Histogram("step_seconds", [0.1, 1]));
    }

    [Fact]
    public void A_label_without_a_value_still_throws_for_an_existing_series()
    {
        Client.Gauge("pool_free", new Dictionary<string, string> { ["pool"] = "a" });

        var missing = Assert.Throws<ArgumentException>(() => Client.Gauge("pool_free", new Dictionary<string, string> { ["pool"] = null! }));
        Assert.Equal("labels", missing.ParamName);
        Assert.Contains("'pool' has no value", missing.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_series_asked_for_again_allocates_nothing()
    {
        var labels = new Dictionary<string, string> { ["app_id"] = "a1", ["pool_name"] = "default" };
        double[] buckets = [0.01, 0.1, 1];
        SummaryObjective[] objectives = [new(0.5, 0.05), new(0.99, 0.001)];
        LookUpAll();

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 100; i++)
        {
            LookUpAll();
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);

        void LookUpAll()
        {
            Client.Counter("jobs_total", labels);
            Client.Gauge("pool_free", labels);
            Client.Histogram("step_seconds", buckets, labels);
            Client.Summary("tool_seconds", objectives, labels);
            Client.Counter("runs_total");
        }
    }

    [Fact]
    public async Task Threads_asking_for_a_new_series_at_once_get_one_handle()
    {
        const int Threads = 4;
        const int Rounds = 300;
        var barrier = new Barrier(Threads);
        var counters = new CounterSeries[Rounds, Threads];
        var histograms = new HistogramSeries[Rounds, Threads];

        var workers = Enumerable.Range(0, Threads).Select(thread => Task.Factory.StartNew(
            () =>
            {
                for (int round = 0; round < Rounds; round++)
                {
                    string id = round.ToString(CultureInfo.InvariantCulture);
                    // Half the threads give the labels in the other order.
                    var labels = thread % 2 == 0
                        ? new Dictionary<string, string> { ["id"] = id, ["lane"] = "x" }
                        : new Dictionary<string, string> { ["lane"] = "x", ["id"] = id };
                    barrier.SignalAndWait();
                    counters[round, thread] = Client.Counter("race_total", labels);
                    counters[round, thread].Inc();
                    histograms[round, thread] = Client.Histogram("race_seconds", [0.5, 1], labels);
                }
            },
            CancellationToken.None,
            TaskCreationOptions.LongRunning,
            TaskScheduler.Default)).ToArray();
        await Task.WhenAll(workers);

        for (int round = 0; round < Rounds; round++)
        {
            for (int thread = 1; thread < Threads; thread++)
            {
                Assert.Same(counters[round, 0], counters[round, thread]);
                Assert.Same(histograms[round, 0], histograms[round, thread]);
            }
        }

        // One accumulator a series: every thread's increment is in its one record.
        Assert.True(await Client.FlushAsync());
        JsonElement[] records = [.. _collector.Batches.SelectMany(batch => batch.Records).Where(r => r.GetProperty("metric_name").GetString() == "race_total")];
        Assert.Equal(Rounds, records.Length);
        Assert.All(records, record => Assert.Equal((double)Threads, record.GetProperty("value").GetDouble()));
    }

    private static Dictionary<string, string> Labels(IEnumerable<string> names)
    {
        var labels = new Dictionary<string, string>();
        foreach (string name in names)
        {
            labels[name] = "value_of_" + name;
        }

        return labels;
    }
}
