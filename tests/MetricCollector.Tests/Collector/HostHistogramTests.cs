using MetricCollector.Collector;
using MetricCollector.Exposition;
using MetricCollector.Recording;
using MetricCollector.Tests.Exposition;
using Prometheus;

namespace MetricCollector.Tests.Collector;

/// <summary>
/// The host's histograms (the gateway's durations) live in the collector's own store: written as prometheus-net wrote
/// them, with labels in the order the host declared; every scrape consistent under concurrent observations; names a
/// pushed record can never take.
/// </summary>
public sealed class HostHistogramTests
{
    private static readonly string[] LabelNames = ["route", "cluster", "method", "code"];
    private static readonly double[] Buckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_host_histogram_is_written_byte_for_byte_as_prometheus_net_wrote_it(bool openMetrics)
    {
        double[] observations = [0.001, 0.005, 0.0071, 0.3, 0.3, 2, 11, 1e-9, 7.25];
        string[][] series = [["bench", "c", "GET", "200"], ["bench", "c", "POST", "502"], ["other \"x\"\n", "", "GET", "404"]];

        var registry = Metrics.NewCustomRegistry();
        // prometheus-net writes its help unescaped, which breaks the line; given it escaped, every byte is equal.
        var theirs = Metrics.WithCustomRegistry(registry).CreateHistogram("gateway_test_seconds", SampleText.EscapeHelp("Time \\ taken.", openMetrics), new HistogramConfiguration { LabelNames = LabelNames, Buckets = Buckets });
        var ours = TestCollector.Create().CreateHostHistogram("gateway_test_seconds", "Time \\ taken.", LabelNames, Buckets);
        for (int s = 0; s < series.Length; s++)
        {
            var theirChild = theirs.WithLabels(series[s]);
            var ourChild = ours.WithLabels(series[s]);
            for (int i = s; i < observations.Length; i++)
            {
                theirChild.Observe(observations[i]);
                ourChild.Observe(observations[i]);
            }
        }

        Assert.Equal(await ExposeAsync(registry, openMetrics), await ExposeAsync(ours, openMetrics));
    }

    [Fact]
    public async Task A_series_shows_at_zero_once_created_and_the_family_has_its_header_before_any_series()
    {
        var collector = TestCollector.Create();
        var histogram = collector.CreateHostHistogram("gateway_idle_seconds", "Idle.", ["route"], [1]);
        string empty = await collector.ExposeAsync();
        Assert.Contains("# HELP gateway_idle_seconds Idle.\n# TYPE gateway_idle_seconds histogram\n", empty, StringComparison.Ordinal);
        Assert.DoesNotContain("gateway_idle_seconds_count", empty, StringComparison.Ordinal);

        histogram.WithLabels("r");
        var samples = TestCollector.Samples(await collector.ExposeAsync());
        Assert.Equal(0, samples["""gateway_idle_seconds_count{route="r"}"""]);
        Assert.Equal(0, samples["""gateway_idle_seconds_bucket{route="r",le="+Inf"}"""]);
    }

    [Fact]
    public async Task Every_scrape_during_concurrent_observations_shows_each_host_series_as_one_set_of_observations()
    {
        var collector = TestCollector.Create();
        var histogram = collector.CreateHostHistogram("gateway_race_seconds", "Race.", ["w", "a"], [1, 2]);
        var children = new[] { histogram.WithLabels("0", "x"), histogram.WithLabels("1", "x") };
        using var stop = new CancellationTokenSource();
        var observers = Enumerable.Range(0, 4).Select(w => Task.Run(() =>
        {
            var child = children[w % 2];
            for (int i = 0; !stop.IsCancellationRequested; i++)
            {
                child.Observe(i % 2 + 1);
            }
        })).ToArray();

        await HistogramRace.AssertEveryScrapeConsistentAsync(collector, "gateway_race_seconds", w => $"w=\"{w}\",a=\"x\"", stop, observers);
    }

    [Fact]
    public void Asking_again_with_the_same_definition_returns_the_same_histogram_and_children()
    {
        var collector = TestCollector.Create();
        var first = collector.CreateHostHistogram("gateway_twice_seconds", "Twice.", LabelNames, Buckets);
        var again = collector.CreateHostHistogram("gateway_twice_seconds", "Twice.", LabelNames, Buckets);
        Assert.Same(first, again);
        Assert.Same(first.WithLabels("r", "c", "GET", "200"), again.WithLabels("r", "c", "GET", "200"));
    }

    [Fact]
    public void Another_definition_under_the_same_name_a_name_pushes_could_take_or_a_wrong_label_count_is_refused()
    {
        var collector = TestCollector.Create();
        var histogram = collector.CreateHostHistogram("gateway_defined_seconds", "Defined.", LabelNames, Buckets);
        Assert.Throws<InvalidOperationException>(() => collector.CreateHostHistogram("gateway_defined_seconds", "Defined.", LabelNames, [1, 2]));
        Assert.Throws<InvalidOperationException>(() => collector.CreateHostHistogram("gateway_defined_seconds", "Defined.", ["route"], Buckets));
        Assert.Throws<ArgumentException>(() => collector.CreateHostHistogram("app_seconds", "Not reserved.", LabelNames, Buckets));
        Assert.Throws<ArgumentException>(() => histogram.WithLabels("r", "c"));
    }

    [Fact]
    public async Task A_null_label_value_is_refused_naming_its_label_and_every_scrape_still_works()
    {
        var collector = TestCollector.Create();
        var histogram = collector.CreateHostHistogram("gateway_null_seconds", "Null.", ["route", "cluster"], [1]);
        var refused = Assert.Throws<ArgumentNullException>(() => histogram.WithLabels("r", null!));
        Assert.Contains("'cluster'", refused.Message, StringComparison.Ordinal);

        string exposition = await collector.ExposeAsync();
        Assert.DoesNotContain("gateway_null_seconds_count", exposition, StringComparison.Ordinal);
        histogram.WithLabels("r", "c").Observe(0.5);
        Assert.Equal(1, TestCollector.Samples(await collector.ExposeAsync())["""gateway_null_seconds_count{route="r",cluster="c"}"""]);
    }

    [Theory]
    [InlineData(new[] { "route", "1code" }, "1code")]
    [InlineData(new[] { "route", "co-de" }, "co-de")]
    [InlineData(new[] { "route", "" }, "")]
    [InlineData(new[] { "__route" }, "__route")]
    [InlineData(new[] { "route", "le" }, "le")]
    [InlineData(new[] { "route", "code", "route" }, "route")]
    public void A_label_name_prometheus_would_refuse_a_reserved_one_or_a_repeated_one_is_refused_naming_it(string[] labelNames, string bad)
    {
        var collector = TestCollector.Create();
        var refused = Assert.Throws<ArgumentException>(() => collector.CreateHostHistogram("gateway_labels_seconds", "Labels.", labelNames, Buckets));
        Assert.Equal("labelNames", refused.ParamName);
        Assert.Contains($"'{bad}'", refused.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(new double[0])]
    [InlineData(new[] { 2.0, 1.0 })]
    [InlineData(new[] { 1.0, 1.0 })]
    [InlineData(new[] { double.NaN })]
    [InlineData(new[] { double.NegativeInfinity, 1.0 })]
    [InlineData(new[] { 1.0, double.PositiveInfinity })]
    [InlineData(new[] { -1.0, 0.0, 1.0 })]
    public void Buckets_that_are_empty_not_finite_negative_or_not_strictly_increasing_are_refused(double[] buckets)
    {
        var collector = TestCollector.Create();
        var refused = Assert.Throws<ArgumentException>(() => collector.CreateHostHistogram("gateway_buckets_seconds", "Buckets.", ["route"], buckets));
        Assert.Equal("buckets", refused.ParamName);
    }

    [Theory]
    [InlineData("gateway_a-b_seconds")]
    [InlineData("gateway_a b")]
    [InlineData("gateway_\u00e9")]
    public void A_name_that_is_not_a_valid_metric_name_is_refused_even_under_a_reserved_prefix(string name)
    {
        var collector = TestCollector.Create();
        var refused = Assert.Throws<ArgumentException>(() => collector.CreateHostHistogram(name, "Bad.", ["route"], Buckets));
        Assert.Equal("name", refused.ParamName);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_histogram_without_labels_is_written_at_zero_from_creation_and_after_observations_as_prometheus_net_writes_it(bool openMetrics)
    {
        var registry = Metrics.NewCustomRegistry();
        var theirs = Metrics.WithCustomRegistry(registry).CreateHistogram("gateway_bare_seconds", "Bare.", new HistogramConfiguration { Buckets = Buckets });
        var ours = TestCollector.Create().CreateHostHistogram("gateway_bare_seconds", "Bare.", [], Buckets);
        Assert.Equal(await ExposeAsync(registry, openMetrics), await ExposeAsync(ours, openMetrics));

        theirs.Observe(0.3);
        ours.WithLabels().Observe(0.3);
        Assert.Equal(await ExposeAsync(registry, openMetrics), await ExposeAsync(ours, openMetrics));
    }

    [Fact]
    public void A_host_histogram_cannot_take_a_name_the_factory_created_or_one_of_its_sample_names()
    {
        var collector = TestCollector.Create();
        collector.Factory.CreateHistogram("gateway_taken_seconds", "Taken.", ["route"]);
        collector.Factory.CreateGauge("gateway_other_seconds_count", "A sample name of gateway_other_seconds.");
        var taken = Assert.Throws<InvalidOperationException>(() => collector.CreateHostHistogram("gateway_taken_seconds", "Taken.", ["route"], Buckets));
        Assert.Contains("gateway_taken_seconds", taken.Message, StringComparison.Ordinal);
        Assert.Throws<InvalidOperationException>(() => collector.CreateHostHistogram("gateway_other_seconds", "Other.", ["route"], Buckets));
        Assert.Throws<InvalidOperationException>(() => collector.CreateHostHistogram("metric_collector_records", "A self-metric's family.", [], Buckets));
    }

    [Fact]
    public async Task The_factory_refuses_a_host_histogram_name_or_sample_name_so_the_family_is_written_once()
    {
        var collector = TestCollector.Create();
        collector.CreateHostHistogram("gateway_held_seconds", "Held.", ["route"], Buckets);
        var factory = collector.Factory;
        Assert.Throws<InvalidOperationException>(() => factory.CreateHistogram("gateway_held_seconds", "Held.", ["route"]));
        Assert.Throws<InvalidOperationException>(() => factory.CreateCounter("gateway_held_seconds_count", "Count."));
        Assert.Throws<InvalidOperationException>(() => factory.WithLabels(new Dictionary<string, string> { ["instance"] = "a" }).CreateGauge("gateway_held_seconds_sum", "Sum."));

        // Other names still go through, and asking again still returns prometheus-net's same metric.
        Assert.Same(factory.CreateCounter("gateway_free_total", "Free."), factory.CreateCounter("gateway_free_total", "Free."));
        string exposition = await collector.ExposeAsync();
        Assert.Single(exposition.Split('\n'), line => line.StartsWith("# TYPE gateway_held_seconds ", StringComparison.Ordinal));
        Assert.DoesNotContain("gateway_held_seconds_count ", exposition, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_pushed_record_cannot_take_a_host_histogram_name_and_leaves_its_series_alone()
    {
        var collector = TestCollector.Create();
        collector.CreateHostHistogram("gateway_owned_seconds", "Owned.", ["route"], [1]).WithLabels("r").Observe(0.5);
        var outcome = collector.Record(new MetricRecord("gateway_owned_seconds", MetricType.Histogram) { Value = 3, Labels = TestCollector.Labels(("route", "r")) });
        Assert.False(outcome.IsAccepted);
        Assert.Equal(RejectionReason.ReservedName, outcome.Rejection!.Reason);
        var samples = TestCollector.Samples(await collector.ExposeAsync());
        Assert.Equal(1, samples["""gateway_owned_seconds_count{route="r"}"""]);
        Assert.Equal(0.5, samples["""gateway_owned_seconds_sum{route="r"}"""]);
    }

    private static async Task<string> ExposeAsync(CollectorRegistry registry, bool openMetrics)
    {
        using var stream = new MemoryStream();
        await registry.CollectAndExportAsTextAsync(stream, openMetrics ? ExpositionFormat.OpenMetricsText : ExpositionFormat.PrometheusText);
        return System.Text.Encoding.UTF8.GetString(stream.ToArray());
    }

    private static async Task<string> ExposeAsync(HostHistogram histogram, bool openMetrics)
    {
        using var stream = new MemoryStream();
        await PushedExpositionWriter.WriteAsync(stream, [[histogram.Family]], openMetrics, CancellationToken.None);
        return System.Text.Encoding.UTF8.GetString(stream.ToArray());
    }
}
