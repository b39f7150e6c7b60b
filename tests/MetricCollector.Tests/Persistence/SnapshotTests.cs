using MetricCollector.Collector;
using MetricCollector.Persistence;
using MetricCollector.Recording;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace MetricCollector.Tests.Persistence;

public sealed class SnapshotTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("snapshot-tests-").FullName;

    private string SnapshotPath => Path.Combine(_directory, "state", "collector.snapshot");

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private (PrometheusMetricCollector Collector, CollectorSnapshots Snapshots) Create()
    {
        var options = new MetricCollectorOptions { SnapshotPath = SnapshotPath };
        var collector = TestCollector.Create(options);
        return (collector, new CollectorSnapshots(collector, Options.Create(options), TimeProvider.System, NullLogger<CollectorSnapshots>.Instance));
    }

    private static Dictionary<string, double> Pushed(string exposition)
    {
        var samples = TestCollector.Samples(exposition);
        foreach (string key in samples.Keys.Where(k => k.StartsWith("metric_collector_", StringComparison.Ordinal)).ToList())
        {
            samples.Remove(key);
        }

        return samples;
    }

    private static async Task PushAsync(PrometheusMetricCollector collector)
    {
        await collector.RecordAsync(TestCollector.Counter("allocations", 41, ("pool", "a \"quoted\" \\ pool\nline 2"), ("zone", "ü-1")));
        await collector.RecordAsync(TestCollector.Counter("plain"));
        await collector.RecordAsync(TestCollector.Gauge("queue_depth", -7.25, labels: ("pool", "b")));
        await collector.RecordAsync(new MetricRecord("step_seconds", MetricType.Histogram)
        {
            Values = [0.003, 0.02, 0.02, 0.7, 3, 12, 250],
            Buckets = [0.01, 0.1, 1, 10],
            Labels = TestCollector.Labels(("step", "build")),
        });
        await collector.RecordAsync(new MetricRecord("default_buckets", MetricType.Histogram) { Values = [0.2, 1, 7.5] });
    }

    [Fact]
    public async Task Counters_gauges_and_histograms_come_back_exactly_after_a_restart()
    {
        var (before, snapshots) = Create();
        await PushAsync(before);
        await snapshots.WriteAsync(CancellationToken.None);

        var (after, restored) = Create();
        await restored.RestoreAsync(CancellationToken.None);

        var expected = Pushed(await before.ExposeAsync());
        var actual = Pushed(await after.ExposeAsync());
        Assert.Equal(expected.OrderBy(s => s.Key), actual.OrderBy(s => s.Key));
        Assert.Equal(5, TestCollector.Samples(await after.ExposeAsync())["metric_collector_snapshot_restored_series"]);
        Assert.False(File.Exists(SnapshotPath + ".tmp"));
    }

    [Fact]
    public async Task Summaries_come_back_with_their_count_and_sum_and_an_empty_quantile_window()
    {
        var (before, snapshots) = Create();
        await before.RecordAsync(new MetricRecord("tool_seconds", MetricType.Summary) { Values = [0.5, 1.5, 4], Labels = TestCollector.Labels(("tool", "search")) });
        await before.RecordAsync(new MetricRecord("tool_seconds", MetricType.Summary) { Value = 2, Labels = TestCollector.Labels(("tool", "search")) });
        await snapshots.WriteAsync(CancellationToken.None);

        var (after, restored) = Create();
        await restored.RestoreAsync(CancellationToken.None);

        // _count and _sum go on from where they were (rate() sees no reset); the quantiles cover observations since
        // the restart, none yet.
        var samples = Pushed(await after.ExposeAsync());
        Assert.Equal(4, samples["tool_seconds_count{tool=\"search\"}"]);
        Assert.Equal(8, samples["tool_seconds_sum{tool=\"search\"}"]);
        Assert.True(double.IsNaN(samples["tool_seconds{tool=\"search\",quantile=\"0.5\"}"]));

        await after.RecordAsync(new MetricRecord("tool_seconds", MetricType.Summary) { Value = 3, Labels = TestCollector.Labels(("tool", "search")) });
        samples = Pushed(await after.ExposeAsync());
        Assert.Equal(5, samples["tool_seconds_count{tool=\"search\"}"]);
        Assert.Equal(11, samples["tool_seconds_sum{tool=\"search\"}"]);
        Assert.Equal(3, samples["tool_seconds{tool=\"search\",quantile=\"0.99\"}"]);
    }

    [Fact]
    public async Task Summary_series_whose_count_or_sum_a_record_could_never_make_are_skipped_saying_why()
    {
        var collector = TestCollector.Create();
        var snapshot = new SnapshotDocument(SnapshotDocument.CurrentVersion, DateTimeOffset.UtcNow,
        [
            new SnapshotMetric(new MetricDefinition("s", MetricType.Summary, ["k"], null, [new QuantileObjective(0.5, 0.05)], "help"),
            [
                new SnapshotSeries(["no count"], null, null, 1, null),
                new SnapshotSeries(["negative count"], null, null, 1, null) { Count = -1 },
                new SnapshotSeries(["nan"], null, null, double.NaN, null) { Count = 1 },
                new SnapshotSeries(["negative sum"], null, null, -1, null) { Count = 1 },
                new SnapshotSeries(["no sum"], null, null, null, null) { Count = 1 },
                new SnapshotSeries(["ok"], null, null, 2.5, null) { Count = 2 },
            ]),
        ]);

        var (restored, skipped) = SnapshotRestore.Restore(collector, snapshot);

        Assert.Equal(1, restored);
        Assert.Equal(
            ["s: a series has no count", "s: a series' count -1 is negative", "s: a series' sum NaN is not a finite number >= 0 (observations are never negative)",
             "s: a series' sum -1 is not a finite number >= 0 (observations are never negative)", "s: a series has no sum"],
            skipped);
        var samples = Pushed(await collector.ExposeAsync());
        Assert.Equal(2, samples["s_count{k=\"ok\"}"]);
        Assert.Equal(2.5, samples["s_sum{k=\"ok\"}"]);
        Assert.DoesNotContain(samples, sample => !sample.Key.Contains("k=\"ok\"", StringComparison.Ordinal));
    }

    /// <summary>
    /// Families and their series come back in the order /metrics wrote them before: the order they were created in,
    /// neither alphabetical nor any dictionary's, which a scrape diffed across a restart would show.
    /// </summary>
    [Fact]
    public async Task A_restart_writes_the_pushed_families_and_their_series_in_the_order_they_were_written_before()
    {
        var (before, snapshots) = Create();
        string[] names = ["zulu", "alpha", "mike", "bravo", "yankee", "charlie", "xray", "delta", "whiskey", "echo", "victor", "foxtrot"];
        string[] zones = ["z", "a", "m", "b", "y"];
        for (int i = 0; i < names.Length; i++)
        {
            foreach (string zone in zones)
            {
                await before.RecordAsync((i % 3) switch
                {
                    0 => TestCollector.Counter(names[i], i, ("zone", zone)),
                    1 => TestCollector.Gauge(names[i] + "_level", -i, labels: ("zone", zone)),
                    _ => new MetricRecord(names[i] + "_seconds", MetricType.Histogram) { Value = i, Buckets = [1, 5], Labels = TestCollector.Labels(("zone", zone)) },
                });
            }
        }

        await snapshots.WriteAsync(CancellationToken.None);
        var (after, restored) = Create();
        await restored.RestoreAsync(CancellationToken.None);

        Assert.Equal(PushedText(await before.ExposeAsync()), PushedText(await after.ExposeAsync()));
        Assert.Equal(
            PushedText(await before.ExposeAsync(MetricCollector.Exposition.MetricsFormat.OpenMetrics)),
            PushedText(await after.ExposeAsync(MetricCollector.Exposition.MetricsFormat.OpenMetrics)));
    }

    /// <summary>The exposition in its order, without the self-metrics (the restore counts itself there).</summary>
    private static string PushedText(string exposition) =>
        string.Join('\n', exposition.Split('\n').Where(line => !line.Contains("metric_collector_", StringComparison.Ordinal)));

    [Fact]
    public async Task Restored_counters_keep_counting_and_definitions_keep_refusing_conflicts()
    {
        var (before, snapshots) = Create();
        await PushAsync(before);
        await snapshots.WriteAsync(CancellationToken.None);
        var (after, restored) = Create();
        await restored.RestoreAsync(CancellationToken.None);

        await after.RecordAsync(TestCollector.Counter("plain", 2));
        var conflict = await after.RecordAsync(TestCollector.Gauge("plain", 1));

        Assert.Equal(3, TestCollector.Samples(await after.ExposeAsync())["plain_total"]);
        Assert.Equal(RejectionReason.DefinitionConflict, conflict.Rejection!.Reason);
    }

    [Theory]
    [InlineData("truncated")]
    [InlineData("edited")]
    [InlineData("garbage")]
    public async Task A_torn_or_corrupt_snapshot_is_set_aside_and_the_collector_starts_empty(string damage)
    {
        var (before, snapshots) = Create();
        await PushAsync(before);
        await snapshots.WriteAsync(CancellationToken.None);
        byte[] content = await File.ReadAllBytesAsync(SnapshotPath);
        byte[] damaged = damage switch
        {
            "truncated" => content[..(content.Length / 2)],
            "edited" => [.. content.Select((b, i) => i == content.Length - 20 ? (byte)'9' : b)],
            _ => "{not a snapshot"u8.ToArray(),
        };
        await File.WriteAllBytesAsync(SnapshotPath, damaged);

        var (after, restored) = Create();
        await restored.RestoreAsync(CancellationToken.None);

        Assert.Empty(Pushed(await after.ExposeAsync()));
        Assert.False(File.Exists(SnapshotPath));
        string setAside = Assert.Single(Directory.GetFiles(Path.GetDirectoryName(SnapshotPath)!, "*.corrupt-*"));
        Assert.Equal(damaged, await File.ReadAllBytesAsync(setAside));
        Assert.Equal(1, TestCollector.Samples(await after.ExposeAsync())["metric_collector_snapshot_restores_total{result=\"corrupt\"}"]);
    }

    /// <summary>
    /// A corrupt snapshot that cannot be renamed (a read-only directory; here the name it would get is taken by a
    /// directory, as tests run as root and ignore permissions) stays where it is, and the log says so.
    /// </summary>
    [Fact]
    public async Task A_corrupt_snapshot_that_cannot_be_moved_aside_is_reported_as_left_in_place()
    {
        var now = new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);
        Directory.CreateDirectory(Path.GetDirectoryName(SnapshotPath)!);
        await File.WriteAllTextAsync(SnapshotPath, "{not a snapshot");
        string setAside = SnapshotPath + ".corrupt-20260301T120000Z";
        Directory.CreateDirectory(Path.Combine(setAside, "occupied"));
        var options = new MetricCollectorOptions { SnapshotPath = SnapshotPath };
        var collector = TestCollector.Create(options);
        var logger = new RecordingLogger();
        var snapshots = new CollectorSnapshots(collector, Options.Create(options), new FakeTimeProvider(now), logger);

        await snapshots.RestoreAsync(CancellationToken.None);

        Assert.Equal("{not a snapshot", await File.ReadAllTextAsync(SnapshotPath));
        string message = Assert.Single(logger.Messages);
        Assert.Contains("could not be moved aside to " + setAside, message, StringComparison.Ordinal);
        Assert.DoesNotContain("was moved", message, StringComparison.Ordinal);
        Assert.DoesNotContain("could not be written", message, StringComparison.Ordinal);
        Assert.Equal(1, TestCollector.Samples(await collector.ExposeAsync())["metric_collector_snapshot_restores_total{result=\"corrupt\"}"]);
    }

    /// <summary>
    /// A write that fails after the temporary file was started (a full disk; here the rename, onto a directory) leaves
    /// no partial temporary file taking the volume's last space, and the previous state is untouched.
    /// </summary>
    [Fact]
    public async Task A_failed_write_deletes_its_partial_temporary_file()
    {
        var (before, snapshots) = Create();
        await PushAsync(before);
        Directory.CreateDirectory(Path.Combine(SnapshotPath, "occupied"));

        await snapshots.WriteAsync(CancellationToken.None);

        Assert.False(File.Exists(SnapshotPath + ".tmp"));
        Assert.True(Directory.Exists(Path.Combine(SnapshotPath, "occupied")));
        Assert.Equal(1, TestCollector.Samples(await before.ExposeAsync())["metric_collector_snapshot_writes_total{result=\"failed\"}"]);
    }

    [Fact]
    public async Task A_temporary_file_left_by_a_crash_mid_write_does_not_disturb_the_last_snapshot()
    {
        var (before, snapshots) = Create();
        await PushAsync(before);
        await snapshots.WriteAsync(CancellationToken.None);
        await File.WriteAllTextAsync(SnapshotPath + ".tmp", "# metric-collector snapshot sha256=00\n{\"version\":1,");

        var (after, restored) = Create();
        await restored.RestoreAsync(CancellationToken.None);

        Assert.Equal(41, TestCollector.Samples(await after.ExposeAsync())["allocations_total{pool=\"a \\\"quoted\\\" \\\\ pool\\nline 2\",zone=\"ü-1\"}"]);
    }

    [Fact]
    public async Task No_snapshot_yet_means_an_empty_start_not_an_error()
    {
        var (after, restored) = Create();

        await restored.RestoreAsync(CancellationToken.None);

        Assert.Equal(1, TestCollector.Samples(await after.ExposeAsync())["metric_collector_snapshot_restores_total{result=\"none\"}"]);
    }

    [Fact]
    public async Task A_snapshot_written_while_histograms_lived_in_prometheus_net_restores_what_was_exposed_then()
    {
        // Written by the collector of commit 4bc44f9, which kept histograms as prometheus-net children and read their
        // counts back from its text exposition; beside it, what that collector exposed in both formats when it wrote
        // the snapshot. Restored now, every pushed line comes back byte for byte (the family order alone changed).
        // But odd_bounds' series: that collector looked for le="1E-05" where prometheus-net writes le="1e-05", so its
        // snapshot holds the definition alone (the store of our own copies counts instead of reading them back).
        string fixtures = RepositoryPaths.Of("tests", "MetricCollector.Tests", "Persistence", "Fixtures");
        Directory.CreateDirectory(Path.GetDirectoryName(SnapshotPath)!);
        File.Copy(Path.Combine(fixtures, "histograms-v1.snapshot"), SnapshotPath);
        var (after, restored) = Create();

        await restored.RestoreAsync(CancellationToken.None);

        Assert.Equal(
            PushedLines(await File.ReadAllTextAsync(Path.Combine(fixtures, "histograms-v1.expected.txt"))),
            PushedLines(await after.ExposeAsync()));
        Assert.Equal(
            PushedLines(await File.ReadAllTextAsync(Path.Combine(fixtures, "histograms-v1.expected-openmetrics.txt"))),
            PushedLines(await after.ExposeAsync(MetricCollector.Exposition.MetricsFormat.OpenMetrics)));
    }

    /// <summary>The lines of pushed metrics, sorted: the HELP, TYPE and sample lines whatever the family order.</summary>
    private static List<string> PushedLines(string exposition) =>
        [.. exposition.Split('\n')
            .Where(line => line.Length > 0 && line != "# EOF" && !line.Contains("metric_collector_", StringComparison.Ordinal) && !line.StartsWith("odd_bounds_", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)];

    [Fact]
    public async Task Histogram_state_is_rebuilt_with_exact_buckets_and_sum_for_many_random_observation_sets()
    {
        var random = new Random(20261126);
        // Bounds that "g" writes with an exponent too: le="1e-05" and le="1E+16" name the same buckets as the snapshot.
        double[] bounds = [0, 1e-5, 0.5, 2, 100, 1e16];
        for (int round = 0; round < 200; round++)
        {
            var source = TestCollector.Create();
            var target = TestCollector.Create();
            var values = Enumerable.Range(0, random.Next(1, 40)).Select(_ => Math.Round(random.NextDouble() * 300, 3)).ToArray();
            var record = new MetricRecord("h", MetricType.Histogram) { Values = values, Buckets = bounds };
            await source.RecordAsync(record);
            var snapshot = SnapshotCapture.Capture(source, DateTimeOffset.UtcNow);

            SnapshotRestore.Restore(target, snapshot);

            // The series' own counts and sum, not values re-created to fit them: equal to the last bit.
            Assert.Equal(Pushed(await source.ExposeAsync()).OrderBy(s => s.Key), Pushed(await target.ExposeAsync()).OrderBy(s => s.Key));
        }
    }

    [Fact]
    public async Task Histogram_series_whose_counts_or_buckets_do_not_fit_are_skipped_and_never_shown()
    {
        var collector = TestCollector.Create();
        MetricDefinition Histogram(string name, IReadOnlyList<double> buckets) => new(name, MetricType.Histogram, ["k"], buckets, null, "help");
        var snapshot = new SnapshotDocument(SnapshotDocument.CurrentVersion, DateTimeOffset.UtcNow,
        [
            new SnapshotMetric(Histogram("fits", [1, 2]), [new SnapshotSeries(["a"], null, [1, 2, 3], 7.5, null)]),
            new SnapshotMetric(Histogram("counts_off", [1, 2]),
            [
                new SnapshotSeries(["short"], null, [1, 2], 1, null),
                new SnapshotSeries(["negative"], null, [1, -2, 3], 1, null),
                new SnapshotSeries(["none"], null, null, null, null),
            ]),
            new SnapshotMetric(Histogram("unsorted", [2, 1]), [new SnapshotSeries(["a"], null, [1, 1, 1], 1, null)]),
            new SnapshotMetric(Histogram("not_finite", [1, double.NaN]), [new SnapshotSeries(["a"], null, [1, 1, 1], 1, null)]),
        ]);

        var (restored, skipped) = SnapshotRestore.Restore(collector, snapshot);

        Assert.Equal(1, restored);
        Assert.Equal(5, skipped.Count);
        Assert.Equal(3, skipped.Count(reason => reason.StartsWith("counts_off: a series' bucket counts do not fit", StringComparison.Ordinal)));
        Assert.Contains(skipped, reason => reason.StartsWith("unsorted: its buckets are not", StringComparison.Ordinal));
        Assert.Contains(skipped, reason => reason.StartsWith("not_finite: its buckets are not", StringComparison.Ordinal));
        string exposition = await collector.ExposeAsync();
        Assert.Equal(6, Pushed(exposition)["fits_count{k=\"a\"}"]);
        Assert.DoesNotContain("counts_off_", exposition, StringComparison.Ordinal);
        Assert.DoesNotContain("unsorted", exposition, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_snapshot_histogram_with_negative_bounds_is_skipped_saying_why_and_the_rest_is_restored()
    {
        // Written before negative bounds were refused: restored, its _sum would break strict OpenMetrics parsing.
        var collector = TestCollector.Create();
        var snapshot = new SnapshotDocument(SnapshotDocument.CurrentVersion, DateTimeOffset.UtcNow,
        [
            new SnapshotMetric(new MetricDefinition("below_zero", MetricType.Histogram, ["k"], [-1, 0, 1], null, "help"), [new SnapshotSeries(["a"], null, [0, 1, 1, 1], 2, null)]),
            new SnapshotMetric(new MetricDefinition("from_zero", MetricType.Histogram, ["k"], [0, 1], null, "help"), [new SnapshotSeries(["a"], null, [1, 1, 1], 2, null)]),
        ]);

        var (restored, skipped) = SnapshotRestore.Restore(collector, snapshot);

        Assert.Equal(1, restored);
        Assert.Equal("below_zero: its buckets are not valid: bucket bounds must be >= 0: observations are never negative.", Assert.Single(skipped));
        string exposition = await collector.ExposeAsync();
        Assert.DoesNotContain("below_zero", exposition, StringComparison.Ordinal);
        Assert.Equal(3, Pushed(exposition)["from_zero_count{k=\"a\"}"]);
    }

    /// <summary>
    /// A snapshot written by an older collector, or edited by hand, may hold what a record could never make: a value
    /// that is not finite, a negative counter or histogram sum. Each such series is left out, saying why, as
    /// POST /record would refuse it; the rest is restored.
    /// </summary>
    [Fact]
    public async Task Snapshot_values_a_record_could_never_make_are_skipped_saying_why_and_the_rest_is_restored()
    {
        var collector = TestCollector.Create();
        var snapshot = new SnapshotDocument(SnapshotDocument.CurrentVersion, DateTimeOffset.UtcNow,
        [
            new SnapshotMetric(new MetricDefinition("c_total", MetricType.Counter, ["k"], null, null, "help"),
            [
                new SnapshotSeries(["nan"], double.NaN, null, null, null),
                new SnapshotSeries(["inf"], double.PositiveInfinity, null, null, null),
                new SnapshotSeries(["negative"], -1, null, null, null),
                new SnapshotSeries(["none"], null, null, null, null),
                new SnapshotSeries(["ok"], 5, null, null, null),
            ]),
            new SnapshotMetric(new MetricDefinition("g", MetricType.Gauge, ["k"], null, null, "help"),
            [
                new SnapshotSeries(["nan"], double.NaN, null, null, null),
                new SnapshotSeries(["inf"], double.NegativeInfinity, null, null, null),
                new SnapshotSeries(["ok"], -2.5, null, null, null),
                new SnapshotSeries(["ttl"], 1, null, null, double.NaN),
            ]),
            new SnapshotMetric(new MetricDefinition("h", MetricType.Histogram, ["k"], [1, 2], null, "help"),
            [
                new SnapshotSeries(["nan"], null, [1, 1, 1], double.NaN, null),
                new SnapshotSeries(["inf"], null, [1, 1, 1], double.PositiveInfinity, null),
                new SnapshotSeries(["negative"], null, [1, 1, 1], -3, null),
                new SnapshotSeries(["none"], null, [1, 1, 1], null, null),
                new SnapshotSeries(["overflow"], null, [long.MaxValue, 1, 0], 3, null),
                new SnapshotSeries(["ok"], null, [1, 2, 3], 7.5, null),
            ]),
        ]);

        var (restored, skipped) = SnapshotRestore.Restore(collector, snapshot);

        Assert.Equal(3, restored);
        Assert.Equal(12, skipped.Count);
        Assert.Contains("c_total: a series' value NaN is not a finite number >= 0, as a counter's must be", skipped);
        Assert.Contains("c_total: a series' value -1 is not a finite number >= 0, as a counter's must be", skipped);
        Assert.Contains("g: a series' value -Infinity is not a finite number", skipped);
        Assert.Contains("g: a series' time to live NaN is not a positive finite number of seconds", skipped);
        Assert.Contains("h: a series' sum Infinity is not a finite number >= 0 (observations are never negative)", skipped);
        Assert.Contains(skipped, reason => reason.StartsWith("h: a series' bucket counts do not fit", StringComparison.Ordinal));
        string exposition = await collector.ExposeAsync();
        var samples = Pushed(exposition);
        Assert.Equal(5, samples["c_total{k=\"ok\"}"]);
        Assert.Equal(-2.5, samples["g{k=\"ok\"}"]);
        Assert.Equal(7.5, samples["h_sum{k=\"ok\"}"]);
        Assert.DoesNotContain(samples, sample => !sample.Key.Contains("k=\"ok\"", StringComparison.Ordinal));
        Assert.True(await MetricCollector.Tests.Exposition.ExpositionOracles.PythonParseAsync(await collector.ExposeAsync(MetricCollector.Exposition.MetricsFormat.OpenMetrics), openMetrics: true) > 0);
    }

    [Fact]
    public async Task A_snapshot_histogram_with_other_buckets_than_the_existing_metric_is_skipped()
    {
        var collector = TestCollector.Create();
        await collector.RecordAsync(new MetricRecord("h", MetricType.Histogram) { Value = 1, Buckets = [1, 2], Labels = TestCollector.Labels(("k", "live")) });
        var snapshot = new SnapshotDocument(SnapshotDocument.CurrentVersion, DateTimeOffset.UtcNow,
            [new SnapshotMetric(new MetricDefinition("h", MetricType.Histogram, ["k"], [1, 5], null, "help"), [new SnapshotSeries(["old"], null, [0, 9, 0], 27, null)])]);

        var (restored, skipped) = SnapshotRestore.Restore(collector, snapshot);

        Assert.Equal(0, restored);
        Assert.Equal("h: a metric of that name with another definition exists", Assert.Single(skipped));
        Assert.DoesNotContain("k=\"old\"", await collector.ExposeAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_snapshot_counter_named_only_total_is_skipped_so_that_a_restart_cannot_break_every_scrape()
    {
        var collector = TestCollector.Create();
        var snapshot = new SnapshotDocument(SnapshotDocument.CurrentVersion, DateTimeOffset.UtcNow,
        [
            new SnapshotMetric(new MetricDefinition("_total", MetricType.Counter, [], null, null, "help"), [new SnapshotSeries([], 3, null, null, null)]),
            new SnapshotMetric(new MetricDefinition("jobs_total", MetricType.Counter, [], null, null, "help"), [new SnapshotSeries([], 4, null, null, null)]),
        ]);

        var (restored, skipped) = SnapshotRestore.Restore(collector, snapshot);

        Assert.Equal(1, restored);
        Assert.StartsWith("_total: ", Assert.Single(skipped), StringComparison.Ordinal);
        string openMetrics = await collector.ExposeAsync(MetricCollector.Exposition.MetricsFormat.OpenMetrics);
        Assert.DoesNotContain("# TYPE  ", openMetrics, StringComparison.Ordinal);
        Assert.Equal(4, TestCollector.Samples(await collector.ExposeAsync())["jobs_total"]);
    }

    /// <summary>
    /// A snapshot whose checksum holds but whose JSON lacks fields (null where a definition, a name, a label list or a
    /// series belongs: an older writer's bug, a hand edit with the checksum recomputed) used to stop the start with a
    /// NullReferenceException, and the file stayed, so every restart stopped the same way. Each such entry is left
    /// out, saying why, and the rest is restored.
    /// </summary>
    [Fact]
    public async Task A_snapshot_whose_entries_lack_fields_restores_the_rest_instead_of_stopping_the_start()
    {
        SnapshotMetric Gauge(string name, params SnapshotSeries[] series) =>
            new(new MetricDefinition(name, MetricType.Gauge, ["k"], null, null, "help"), series);
        var document = new SnapshotDocument(SnapshotDocument.CurrentVersion, DateTimeOffset.UtcNow,
        [
            null!,
            new SnapshotMetric(null!, []),
            new SnapshotMetric(new MetricDefinition(null!, MetricType.Gauge, ["k"], null, null, "help"), [new SnapshotSeries(["a"], 1, null, null, null)]),
            new SnapshotMetric(new MetricDefinition("no_label_names", MetricType.Gauge, null!, null, null, "help"), [new SnapshotSeries(["a"], 1, null, null, null)]),
            new SnapshotMetric(new MetricDefinition("null_label_name", MetricType.Gauge, [null!], null, null, "help"), [new SnapshotSeries(["a"], 1, null, null, null)]),
            new SnapshotMetric(new MetricDefinition("no_help", MetricType.Gauge, ["k"], null, null, null!), [new SnapshotSeries(["a"], 1, null, null, null)]),
            new SnapshotMetric(new MetricDefinition("no_objectives", MetricType.Summary, ["k"], null, null, "help"), []),
            new SnapshotMetric(new MetricDefinition("no_series", MetricType.Gauge, ["k"], null, null, "help"), null!),
            Gauge("ok", null!, new SnapshotSeries(null!, 1, null, null, null), new SnapshotSeries([null!], 2, null, null, null), new SnapshotSeries(["a"], 5, null, null, null)),
        ]);
        await SnapshotFile.WriteAsync(SnapshotPath, document, CancellationToken.None);
        var logger = new RecordingLogger();
        var options = new MetricCollectorOptions { SnapshotPath = SnapshotPath };
        var collector = TestCollector.Create(options);
        var snapshots = new CollectorSnapshots(collector, Options.Create(options), TimeProvider.System, logger);

        await snapshots.RestoreAsync(CancellationToken.None);

        string exposition = await collector.ExposeAsync();
        var samples = TestCollector.Samples(exposition);
        Assert.Equal(5, samples["ok{k=\"a\"}"]);
        Assert.Equal(1, samples["metric_collector_snapshot_restored_series"]);
        Assert.Equal(1, samples["metric_collector_snapshot_restores_total{result=\"restored\"}"]);
        Assert.Single(Pushed(exposition));
        Assert.Equal(11, logger.Messages.Count(m => m.StartsWith("Snapshot entry not restored: ", StringComparison.Ordinal)));
        Assert.True(File.Exists(SnapshotPath));
    }

    /// <summary>
    /// Definitions and label values that POST /record refuses (a name that is no metric name, a counter's name without
    /// _total, a label name given twice, reserved or the type's own, objectives out of range, a label value that is
    /// missing, too long or half a surrogate pair) were restored as they stood, and /metrics was then unparsable as a
    /// whole (a space in a name, a label twice). Each is left out, saying why, and the rest is restored.
    /// </summary>
    [Fact]
    public async Task Snapshot_definitions_and_label_values_a_record_could_never_make_are_skipped_and_the_exposition_stays_parsable()
    {
        var collector = TestCollector.Create();
        SnapshotMetric Metric(string name, MetricType type, string[] labelNames, string[] labelValues, IReadOnlyList<double>? buckets = null, IReadOnlyList<QuantileObjective>? objectives = null) =>
            new(new MetricDefinition(name, type, labelNames, buckets, objectives, "help"),
                type == MetricType.Summary ? [] : [type == MetricType.Histogram ? new SnapshotSeries(labelValues, null, [1, 0], 0.5, null) : new SnapshotSeries(labelValues, 1, null, null, null)]);
        var snapshot = new SnapshotDocument(SnapshotDocument.CurrentVersion, DateTimeOffset.UtcNow,
        [
            Metric("bad name", MetricType.Gauge, ["k"], ["a"]),
            Metric("no_suffix", MetricType.Counter, ["k"], ["a"]),
            Metric("twice", MetricType.Gauge, ["k", "k"], ["a", "b"]),
            Metric("reserved_label", MetricType.Gauge, ["__k"], ["a"]),
            Metric("bad_label", MetricType.Gauge, ["k-1"], ["a"]),
            Metric("histogram_le", MetricType.Histogram, ["le"], ["a"], buckets: [1]),
            Metric("summary_quantile", MetricType.Summary, ["quantile"], [], objectives: [new QuantileObjective(0.5, 0.05)]),
            Metric("summary_objective", MetricType.Summary, ["k"], [], objectives: [new QuantileObjective(2, 0.05)]),
            new SnapshotMetric(new MetricDefinition("g", MetricType.Gauge, ["k"], null, null, "help"),
            [
                new SnapshotSeries([new string('x', RecordLimits.MaxLabelValueLength + 1)], 1, null, null, null),
                new SnapshotSeries(["half \ud800 pair"], 2, null, null, null),
                new SnapshotSeries(["ok"], 3, null, null, null),
            ]),
        ]);

        var (restored, skipped) = SnapshotRestore.Restore(collector, snapshot);

        Assert.Equal(1, restored);
        Assert.Equal(10, skipped.Count);
        Assert.Contains(skipped, reason => reason.StartsWith("bad name: ", StringComparison.Ordinal));
        Assert.Contains(skipped, reason => reason.StartsWith("no_suffix: ", StringComparison.Ordinal) && reason.Contains("_total", StringComparison.Ordinal));
        Assert.Contains(skipped, reason => reason.StartsWith("twice: ", StringComparison.Ordinal));
        Assert.Contains(skipped, reason => reason.StartsWith("histogram_le: ", StringComparison.Ordinal));
        string text = await collector.ExposeAsync();
        Assert.Equal(3, Assert.Single(Pushed(text)).Value);
        Assert.DoesNotContain("bad name", text, StringComparison.Ordinal);
        Assert.True(await MetricCollector.Tests.Exposition.ExpositionOracles.PythonParseAsync(text, openMetrics: false) > 0);
        Assert.True(await MetricCollector.Tests.Exposition.ExpositionOracles.PythonParseAsync(await collector.ExposeAsync(MetricCollector.Exposition.MetricsFormat.OpenMetrics), openMetrics: true) > 0);
    }

    /// <summary>
    /// Expired series are swept only once some series has a time to live; a restore did not count, so after a restart
    /// with no configured default a restored series with a time to live stayed in /metrics until some record carried
    /// ttl_seconds.
    /// </summary>
    [Fact]
    public async Task A_restored_series_with_a_time_to_live_expires_without_any_record_after_the_restart()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 27, 10, 0, 0, TimeSpan.Zero));
        var options = new MetricCollectorOptions { SnapshotPath = SnapshotPath };
        var before = TestCollector.Create(options, time: time);
        await before.RecordAsync(new MetricRecord("leased", MetricType.Gauge) { Value = 1, TimeToLive = TimeSpan.FromSeconds(5) });
        await before.RecordAsync(TestCollector.Gauge("forever", 2));
        await new CollectorSnapshots(before, Options.Create(options), time, NullLogger<CollectorSnapshots>.Instance).WriteAsync(CancellationToken.None);
        var after = TestCollector.Create(options, time: time);
        await new CollectorSnapshots(after, Options.Create(options), time, NullLogger<CollectorSnapshots>.Instance).RestoreAsync(CancellationToken.None);
        Assert.Equal(2, Pushed(await after.ExposeAsync()).Count);

        time.Advance(TimeSpan.FromSeconds(5));

        Assert.Equal("forever", Assert.Single(Pushed(await after.ExposeAsync())).Key);
        Assert.Equal(1, TestCollector.Samples(await after.ExposeAsync())["metric_collector_series_removed_total{cause=\"expired\"}"]);
    }

    /// <summary>
    /// A series with a time to live disappears when no record has updated it for that long; a restart is no record.
    /// The snapshot used to keep only the time to live, so a restored series started its whole time again, the downtime
    /// did not count, and a series already expired (but not yet swept) when the snapshot was taken came back: restarts
    /// more often than the time to live kept a dead series alive for ever. It now keeps the time it had left, less the
    /// downtime, and one whose time ran out is not restored.
    /// </summary>
    [Fact]
    public async Task A_series_with_a_time_to_live_keeps_the_time_it_had_left_across_a_restart_downtime_included()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 27, 10, 0, 0, TimeSpan.Zero));
        var options = new MetricCollectorOptions { SnapshotPath = SnapshotPath };
        MetricRecord Gauge(string name, int seconds) => new(name, MetricType.Gauge) { Value = 1, TimeToLive = TimeSpan.FromSeconds(seconds) };
        var before = TestCollector.Create(options, time: time);
        await before.RecordAsync(Gauge("expired", 1));
        await before.RecordAsync(Gauge("stale", 10));
        await before.RecordAsync(Gauge("kept", 600));
        time.Advance(TimeSpan.FromSeconds(4));
        await before.RecordAsync(Gauge("fresh", 10));
        await new CollectorSnapshots(before, Options.Create(options), time, NullLogger<CollectorSnapshots>.Instance).WriteAsync(CancellationToken.None);

        // Down for 3 s: "stale" has 10 - 4 - 3 = 3 s left, "fresh" 10 - 3 = 7 s.
        time.Advance(TimeSpan.FromSeconds(3));
        var after = TestCollector.Create(options, time: time);
        await new CollectorSnapshots(after, Options.Create(options), time, NullLogger<CollectorSnapshots>.Instance).RestoreAsync(CancellationToken.None);

        async Task<string[]> NamesAsync() => [.. Pushed(await after.ExposeAsync()).Keys.Order(StringComparer.Ordinal)];
        Assert.Equal(["fresh", "kept", "stale"], await NamesAsync());
        time.Advance(TimeSpan.FromSeconds(2.9));
        Assert.Equal(["fresh", "kept", "stale"], await NamesAsync());
        time.Advance(TimeSpan.FromSeconds(0.2));
        Assert.Equal(["fresh", "kept"], await NamesAsync());
        time.Advance(TimeSpan.FromSeconds(3.8));
        Assert.Equal(["fresh", "kept"], await NamesAsync());
        time.Advance(TimeSpan.FromSeconds(0.2));
        Assert.Equal(["kept"], await NamesAsync());
    }

    /// <summary>
    /// A review: a metric whose every series expired while the gateway was down came back at the restore with no
    /// series, and nothing forgot it (the expiry scan forgets a metric only when it expires its last series), so it
    /// kept its name and its MaxMetrics slot for ever. It is forgotten at the restore now.
    /// </summary>
    [Fact]
    public async Task A_metric_whose_every_series_expired_during_the_downtime_is_forgotten_at_the_restore()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 27, 10, 0, 0, TimeSpan.Zero));
        var options = new MetricCollectorOptions { SnapshotPath = SnapshotPath, MaxMetrics = 2 };
        var before = TestCollector.Create(options, time: time);
        await before.RecordAsync(TestCollector.Gauge("job_a", 1, labels: ("k", "x")) with { TimeToLive = TimeSpan.FromSeconds(1) });
        await before.RecordAsync(TestCollector.Gauge("deleted", 1));
        before.Delete("deleted", TestCollector.Labels());
        await new CollectorSnapshots(before, Options.Create(options), time, NullLogger<CollectorSnapshots>.Instance).WriteAsync(CancellationToken.None);

        time.Advance(TimeSpan.FromSeconds(2));
        var after = TestCollector.Create(options, time: time);
        await new CollectorSnapshots(after, Options.Create(options), time, NullLogger<CollectorSnapshots>.Instance).RestoreAsync(CancellationToken.None);
        var other = await after.RecordAsync(TestCollector.Gauge("job_b", 1));
        string exposition = await after.ExposeAsync();

        Assert.True(other.IsAccepted, other.Rejection?.Detail);
        Assert.DoesNotContain("job_a", exposition, StringComparison.Ordinal);
        // Emptied by DELETE, not by expiry: its definition stays, as documented.
        Assert.Contains("# TYPE deleted gauge", exposition, StringComparison.Ordinal);
    }

    /// <summary>
    /// A review: a series keeps the ttl_seconds its records gave it, so a series saved while no default was set came
    /// back with "for ever" and never took a SeriesTimeToLive configured since. A series without its own now follows
    /// the default as configured at the time, restored or not.
    /// </summary>
    [Fact]
    public async Task A_restored_series_without_its_own_time_to_live_follows_a_default_configured_since()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 27, 10, 0, 0, TimeSpan.Zero));
        var first = new MetricCollectorOptions { SnapshotPath = SnapshotPath };
        var before = TestCollector.Create(first, time: time);
        await before.RecordAsync(TestCollector.Gauge("g", 1, labels: ("k", "old")));
        await before.RecordAsync(TestCollector.Gauge("g", 1, labels: ("k", "own")) with { TimeToLive = TimeSpan.FromHours(1) });
        await new CollectorSnapshots(before, Options.Create(first), time, NullLogger<CollectorSnapshots>.Instance).WriteAsync(CancellationToken.None);

        var second = new MetricCollectorOptions { SnapshotPath = SnapshotPath, SeriesTimeToLive = TimeSpan.FromSeconds(5) };
        var after = TestCollector.Create(second, time: time);
        await new CollectorSnapshots(after, Options.Create(second), time, NullLogger<CollectorSnapshots>.Instance).RestoreAsync(CancellationToken.None);
        await after.RecordAsync(TestCollector.Gauge("g", 2, labels: ("k", "old")));
        await after.RecordAsync(TestCollector.Gauge("g", 2, labels: ("k", "own")));
        time.Advance(TimeSpan.FromSeconds(60));

        Assert.Equal(["g{k=\"own\"}"], Pushed(await after.ExposeAsync()).Keys);
    }

    /// <summary>
    /// A review: a series on the default time to live was saved without the time it had gone without a record, so each
    /// restart gave it its whole time again, and restarts more often than the default kept a dead series for ever.
    /// </summary>
    [Fact]
    public async Task A_series_on_the_default_time_to_live_keeps_the_time_it_had_left_across_a_restart()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 27, 10, 0, 0, TimeSpan.Zero));
        var options = new MetricCollectorOptions { SnapshotPath = SnapshotPath, SeriesTimeToLive = TimeSpan.FromSeconds(60) };
        var before = TestCollector.Create(options, time: time);
        await before.RecordAsync(TestCollector.Gauge("g", 1));
        time.Advance(TimeSpan.FromSeconds(50));
        await new CollectorSnapshots(before, Options.Create(options), time, NullLogger<CollectorSnapshots>.Instance).WriteAsync(CancellationToken.None);

        var after = TestCollector.Create(options, time: time);
        await new CollectorSnapshots(after, Options.Create(options), time, NullLogger<CollectorSnapshots>.Instance).RestoreAsync(CancellationToken.None);
        Assert.Single(Pushed(await after.ExposeAsync()));
        time.Advance(TimeSpan.FromSeconds(15));

        Assert.Empty(Pushed(await after.ExposeAsync()));
    }

    /// <summary>
    /// The .NET client resends a batch whose answer was lost with the same Idempotency-Key, however late. The keys
    /// were held only in memory, so a retry that reached the gateway after a restart (a deploy while the client backed
    /// off) was applied a second time, though the snapshot already held the first. Answered keys now travel in the
    /// snapshot with their answers and their age: within the window (downtime included) a retry after the restart
    /// gets the first answer; beyond it the key is forgotten, as without a restart.
    /// </summary>
    [Fact]
    public async Task An_idempotency_key_answered_before_a_restart_is_answered_again_after_it_and_not_applied_twice()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 27, 10, 0, 0, TimeSpan.Zero));
        var options = Options.Create(new MetricCollectorOptions { SnapshotPath = SnapshotPath, IdempotencyWindow = TimeSpan.FromMinutes(10) });
        byte[] jobs = """{"metric_name":"jobs","metric_type":"counter","value":10}"""u8.ToArray();
        byte[] conflict = """[{"metric_name":"jobs","metric_type":"gauge","value":1}]"""u8.ToArray();
        var before = TestCollector.Create(options.Value, time: time);
        var beforeKeys = new IdempotencyCache(options, time, before);
        var beforeIngestion = new RecordIngestion(before, options);
        await beforeKeys.RunOnceAsync("old", _ => Task.FromResult(beforeIngestion.Ingest(jobs)), CancellationToken.None);
        time.Advance(TimeSpan.FromMinutes(6));
        await beforeKeys.RunOnceAsync("batch-7", _ => Task.FromResult(beforeIngestion.Ingest(jobs)), CancellationToken.None);
        var (refused, _) = await beforeKeys.RunOnceAsync("refused", _ => Task.FromResult(beforeIngestion.Ingest(conflict)), CancellationToken.None);
        await new CollectorSnapshots(before, options, time, NullLogger<CollectorSnapshots>.Instance, beforeKeys).WriteAsync(CancellationToken.None);

        // Down for 3 minutes: "old" is 9 minutes old, still within the 10-minute window, until 1 minute later.
        time.Advance(TimeSpan.FromMinutes(3));
        var after = TestCollector.Create(options.Value, time: time);
        var afterKeys = new IdempotencyCache(options, time, after);
        var afterIngestion = new RecordIngestion(after, options);
        await new CollectorSnapshots(after, options, time, NullLogger<CollectorSnapshots>.Instance, afterKeys).RestoreAsync(CancellationToken.None);

        var (retried, replayed) = await afterKeys.RunOnceAsync("batch-7", _ => Task.FromResult(afterIngestion.Ingest(jobs)), CancellationToken.None);
        Assert.True(replayed);
        Assert.Equal((202, 1), (retried.StatusCode, retried.Accepted));
        var (refusedAgain, refusedReplayed) = await afterKeys.RunOnceAsync("refused", _ => Task.FromResult(afterIngestion.Ingest(jobs)), CancellationToken.None);
        Assert.True(refusedReplayed);
        Assert.Equal(409, refusedAgain.StatusCode);
        Assert.True(refusedAgain.IsBatch);
        var rejection = Assert.Single(refusedAgain.Rejected);
        Assert.Equal(refused.Rejected[0].Rejection.Detail, rejection.Rejection.Detail);
        Assert.Equal(refused.Rejected[0].Rejection.Field, rejection.Rejection.Field);
        Assert.Equal("jobs_total", rejection.Rejection.ExistingDefinition?.Name);
        Assert.Equal(20, Pushed(await after.ExposeAsync())["jobs_total"]);

        time.Advance(TimeSpan.FromMinutes(1));
        var (_, oldReplayed) = await afterKeys.RunOnceAsync("old", _ => Task.FromResult(afterIngestion.Ingest(jobs)), CancellationToken.None);
        Assert.False(oldReplayed);
        Assert.Equal(30, Pushed(await after.ExposeAsync())["jobs_total"]);
    }

    /// <summary>
    /// A hand-edited snapshot may hold answers no request could have given; replaying one would fail while its answer
    /// is written (500), so it is skipped at restore and its key applied again, while the rest of the file is restored.
    /// </summary>
    [Theory]
    [InlineData("a null refused record", """{"answer":{"rejected":[null]}}""")]
    [InlineData("a refused record without its rejection", """{"answer":{"rejected":[{"index":0,"rejection":null}]}}""")]
    [InlineData("a rejection without its detail", """{"answer":{"rejected":[{"index":0,"rejection":{"reason":"definition_conflict","field":"","detail":null}}]}}""")]
    [InlineData("a negative index", """{"answer":{"rejected":[{"index":-1,"rejection":{"reason":"definition_conflict","field":"","detail":"d"}}]}}""")]
    [InlineData("a reason given as a number no reason has", """{"answer":{"rejected":[{"index":0,"rejection":{"reason":999,"field":"","detail":"d"}}]}}""")]
    [InlineData("a negative accepted count", """{"answer":{"accepted":-5}}""")]
    [InlineData("two refusals of one record", """{"answer":{"rejected":[{"index":0,"rejection":{"reason":"definition_conflict","field":"","detail":"d"}},{"index":0,"rejection":{"reason":"series_limit","field":"","detail":"d"}}]}}""")]
    [InlineData("a body rejection without its detail", """{"answer":{"bodyRejection":{"reason":"body_too_large","field":"","detail":null}}}""")]
    public async Task A_remembered_answer_no_request_could_have_given_is_skipped_and_the_rest_restored(string edit, string change)
    {
        var options = Options.Create(new MetricCollectorOptions { SnapshotPath = SnapshotPath });
        var before = TestCollector.Create(options.Value);
        var beforeKeys = new IdempotencyCache(options, TimeProvider.System, before);
        var beforeIngestion = new RecordIngestion(before, options);
        byte[] jobs = """{"metric_name":"jobs","metric_type":"counter","value":10}"""u8.ToArray();
        await beforeKeys.RunOnceAsync("kept", _ => Task.FromResult(beforeIngestion.Ingest(jobs)), CancellationToken.None);
        await beforeKeys.RunOnceAsync("edited", _ => Task.FromResult(beforeIngestion.Ingest("""{"metric_name":"jobs","metric_type":"gauge","value":1}"""u8.ToArray())), CancellationToken.None);
        await new CollectorSnapshots(before, options, TimeProvider.System, NullLogger<CollectorSnapshots>.Instance, beforeKeys).WriteAsync(CancellationToken.None);
        await EditSnapshotAsync(document => Merge(document["idempotencyKeys"]![1]!.AsObject(), System.Text.Json.Nodes.JsonNode.Parse(change)!.AsObject()));

        var after = TestCollector.Create(options.Value);
        var afterKeys = new IdempotencyCache(options, TimeProvider.System, after);
        var afterIngestion = new RecordIngestion(after, options);
        await new CollectorSnapshots(after, options, TimeProvider.System, NullLogger<CollectorSnapshots>.Instance, afterKeys).RestoreAsync(CancellationToken.None);

        Assert.True((await afterKeys.RunOnceAsync("kept", _ => Task.FromResult(afterIngestion.Ingest(jobs)), CancellationToken.None)).Replayed);
        var (edited, replayed) = await afterKeys.RunOnceAsync("edited", _ => Task.FromResult(afterIngestion.Ingest(jobs)), CancellationToken.None);
        Assert.False(replayed, edit);
        Assert.Equal(202, edited.StatusCode);
        Assert.Equal(20, Pushed(await after.ExposeAsync())["jobs_total"]);
    }

    [Fact]
    public async Task A_remembered_refusal_without_its_field_is_replayed_as_naming_the_whole_body()
    {
        var options = Options.Create(new MetricCollectorOptions { SnapshotPath = SnapshotPath });
        var before = TestCollector.Create(options.Value);
        var beforeKeys = new IdempotencyCache(options, TimeProvider.System, before);
        var beforeIngestion = new RecordIngestion(before, options);
        await beforeKeys.RunOnceAsync("k", _ => Task.FromResult(beforeIngestion.Ingest("""{"metric_name":"jobs","metric_type":"counter","value":-1}"""u8.ToArray())), CancellationToken.None);
        await new CollectorSnapshots(before, options, TimeProvider.System, NullLogger<CollectorSnapshots>.Instance, beforeKeys).WriteAsync(CancellationToken.None);
        await EditSnapshotAsync(document => document["idempotencyKeys"]![0]!["answer"]!["rejected"]![0]!["rejection"]!["field"] = null);

        var after = TestCollector.Create(options.Value);
        var afterKeys = new IdempotencyCache(options, TimeProvider.System, after);
        await new CollectorSnapshots(after, options, TimeProvider.System, NullLogger<CollectorSnapshots>.Instance, afterKeys).RestoreAsync(CancellationToken.None);
        var (answer, replayed) = await afterKeys.RunOnceAsync("k", _ => throw new InvalidOperationException("applied again"), CancellationToken.None);

        Assert.True(replayed);
        Assert.Equal(400, answer.StatusCode);
        Assert.Equal("", Assert.Single(answer.Rejected).Rejection.Field);
    }

    // Sets each property of change on target, merging objects, replacing anything else.
    private static void Merge(System.Text.Json.Nodes.JsonObject target, System.Text.Json.Nodes.JsonObject change)
    {
        foreach (var (name, value) in change.ToList())
        {
            change.Remove(name);
            if (value is System.Text.Json.Nodes.JsonObject inner && target[name] is System.Text.Json.Nodes.JsonObject existing)
            {
                Merge(existing, inner);
            }
            else
            {
                target[name] = value;
            }
        }
    }

    /// <summary>Changes the snapshot's JSON and writes it back with a matching checksum, as a hand edit would.</summary>
    private async Task EditSnapshotAsync(Action<System.Text.Json.Nodes.JsonObject> edit)
    {
        string text = await File.ReadAllTextAsync(SnapshotPath);
        int newline = text.IndexOf('\n', StringComparison.Ordinal);
        var document = System.Text.Json.Nodes.JsonNode.Parse(text[(newline + 1)..])!.AsObject();
        edit(document);
        byte[] json = System.Text.Encoding.UTF8.GetBytes(document.ToJsonString());
        string header = text[..text.IndexOf("sha256=", StringComparison.Ordinal)] + "sha256=" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(json)) + "\n";
        await File.WriteAllBytesAsync(SnapshotPath, [.. System.Text.Encoding.ASCII.GetBytes(header), .. json]);
    }

    private sealed class RecordingLogger : ILogger<CollectorSnapshots>
    {
        public List<string> Messages { get; } = [];

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            Messages.Add(formatter(state, exception));
    }
}
