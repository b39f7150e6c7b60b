using MetricCollector.Collector;
using MetricCollector.Exposition;
using MetricCollector.Persistence;
using MetricCollector.Recording;

namespace MetricCollector.Tests.Exposition;

public sealed class ExpositionFormatTests
{
    /// <summary>
    /// Every metric type, labels that need escaping, and the self-metrics. Label names are snake_case: promtool's linter
    /// flags camelCase names (valid Prometheus, but its style guide prefers snake_case).
    /// </summary>
    private static async Task<IMetricCollector> PopulatedAsync()
    {
        var collector = TestCollector.Create();
        await collector.RecordAsync(TestCollector.Counter("sandbox_allocations", 2, ("app_id", "a"), ("pool_name", "default")));
        await collector.RecordAsync(TestCollector.Counter("requests_routed_total", 1));
        await collector.RecordAsync(TestCollector.Gauge("pool_free", 7, GaugeOperation.Set, ("pool_name", "q\"uo\\te\nnew line ü✓")));
        await collector.RecordAsync(new MetricRecord("step_seconds", MetricType.Histogram) { Values = [0.01, 0.3, 4], Buckets = [0.1, 1], Labels = TestCollector.Labels(("step_id", "s1")) });
        await collector.RecordAsync(new MetricRecord("mcp_call_seconds", MetricType.Summary) { Values = [0.1, 0.2], Labels = TestCollector.Labels(("tool", "search")) });
        await collector.RecordAsync(TestCollector.Counter("bad", -1));
        return collector;
    }

    [Fact]
    public async Task Promtool_accepts_the_text_format_without_lint_problems()
    {
        string text = await (await PopulatedAsync()).ExposeAsync(MetricsFormat.PrometheusText);

        var (exitCode, output) = await ExpositionOracles.PromtoolCheckAsync(text);

        Assert.True(exitCode == 0, $"promtool exit {exitCode}: {output}\n{text}");
    }

    [Fact]
    public async Task The_strict_OpenMetrics_parser_accepts_the_OpenMetrics_output()
    {
        var collector = await PopulatedAsync();
        string text = await collector.ExposeAsync(MetricsFormat.OpenMetrics);

        int samples = await ExpositionOracles.PythonParseAsync(text, openMetrics: true);

        Assert.True(samples > 20, $"only {samples} samples parsed");
        Assert.Contains("# TYPE sandbox_allocations counter", text, StringComparison.Ordinal);
        Assert.Contains("# TYPE step_seconds histogram", text, StringComparison.Ordinal);
        Assert.Contains("# TYPE mcp_call_seconds summary", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_text_parser_reads_back_escaped_label_values_exactly()
    {
        string text = await (await PopulatedAsync()).ExposeAsync(MetricsFormat.PrometheusText);

        int samples = await ExpositionOracles.PythonParseAsync(text, openMetrics: false);

        Assert.True(samples > 20);
        Assert.Contains("pool_free{pool_name=\"q\\\"uo\\\\te\\nnew line ü✓\"} 7", text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(MetricsFormat.PrometheusText)]
    [InlineData(MetricsFormat.OpenMetrics)]
    public async Task Hostile_label_values_are_escaped_so_that_parsers_read_back_exactly_what_was_pushed(MetricsFormat format)
    {
        string[] hostile =
        [
            "quote \" inside", "back\\slash", "trailing backslash \\", "new\nline", "\\n literally", "tab\tand\rreturn",
            "ünïcödé ✓ 数据 مرحبا 😀", "} 1\nfake_metric 2", "# HELP injected", "", "{le=\"1\"}", "\u0001\u007f control",
        ];
        var collector = TestCollector.Create();
        foreach (string value in hostile)
        {
            await collector.RecordAsync(TestCollector.Gauge("hostile_labels", 1, labels: ("value", value)));
        }

        string text = await collector.ExposeAsync(format);
        string[] parsed = await ExpositionOracles.PythonLabelValuesAsync(text, format == MetricsFormat.OpenMetrics, "hostile_labels", "value");

        Assert.Equal(hostile.Order(StringComparer.Ordinal), parsed.Order(StringComparer.Ordinal));
        Assert.DoesNotContain("\nfake_metric", text, StringComparison.Ordinal);
    }

    /// <summary>A Windows path, quotes and a literal backslash-n (not a line feed): what a component may well put in a help.</summary>
    private const string BackslashHelp = "path C:\\data\\x, \"quoted\", a literal \\n and a trailing \\";

    /// <summary>One metric of each type with <see cref="BackslashHelp"/>, each with a series.</summary>
    private static async Task<IMetricCollector> WithBackslashHelpAsync(IMetricCollector? into = null)
    {
        var collector = into ?? TestCollector.Create();
        await collector.RecordAsync(new MetricRecord("hh_jobs", MetricType.Counter) { Value = 1, Help = BackslashHelp });
        await collector.RecordAsync(new MetricRecord("hh_level", MetricType.Gauge) { Value = 1, Help = BackslashHelp });
        await collector.RecordAsync(new MetricRecord("hh_seconds", MetricType.Histogram) { Value = 0.2, Help = BackslashHelp });
        await collector.RecordAsync(new MetricRecord("hh_call_seconds", MetricType.Summary) { Value = 0.2, Help = BackslashHelp });
        return collector;
    }

    [Fact]
    public async Task Promtool_accepts_a_help_with_backslashes_on_every_metric_type()
    {
        string text = await (await WithBackslashHelpAsync()).ExposeAsync(MetricsFormat.PrometheusText);

        var (exitCode, output) = await ExpositionOracles.PromtoolCheckAsync(text);

        Assert.True(exitCode == 0, $"promtool exit {exitCode}: {output}\n{text}");
        Assert.Contains("# HELP hh_jobs_total path C:\\\\data\\\\x, \"quoted\", a literal \\\\n and a trailing \\\\\n", text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(MetricsFormat.PrometheusText)]
    [InlineData(MetricsFormat.OpenMetrics)]
    public async Task A_help_with_backslashes_reads_back_exactly_on_every_metric_type(MetricsFormat format)
    {
        string text = await (await WithBackslashHelpAsync()).ExposeAsync(format);

        var helps = await ExpositionOracles.PythonHelpsAsync(text, format == MetricsFormat.OpenMetrics);

        // The parsers name a counter's family without "_total".
        foreach (string family in new[] { "hh_jobs", "hh_level", "hh_seconds", "hh_call_seconds" })
        {
            Assert.Equal(BackslashHelp, helps[family]);
        }
    }

    [Fact]
    public async Task OpenMetrics_escapes_backslash_and_double_quote_in_the_help_of_every_metric_type()
    {
        string text = await (await WithBackslashHelpAsync()).ExposeAsync(MetricsFormat.OpenMetrics);

        foreach (string family in new[] { "hh_jobs", "hh_level", "hh_seconds", "hh_call_seconds" })
        {
            Assert.Contains($"# HELP {family} path C:\\\\data\\\\x, \\\"quoted\\\", a literal \\\\n and a trailing \\\\\n", text, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData(MetricsFormat.PrometheusText)]
    [InlineData(MetricsFormat.OpenMetrics)]
    public async Task A_help_restored_from_a_snapshot_is_written_escaped_even_with_a_line_feed(MetricsFormat format)
    {
        // Snapshots keep the help as it was pushed, so one written before help was escaped restores the same text; a
        // record with a line feed is refused, but an older or edited snapshot may still carry one.
        const string help = BackslashHelp + "\nsecond line";
        var before = await WithBackslashHelpAsync();
        var snapshot = SnapshotCapture.Capture((PrometheusMetricCollector)before, DateTimeOffset.UtcNow);
        snapshot = snapshot with { Metrics = [.. snapshot.Metrics.Select(m => m with { Definition = m.Definition with { Help = help } })] };
        var after = TestCollector.Create();
        SnapshotRestore.Restore(after, snapshot);
        await WithBackslashHelpAsync(after);

        string text = await after.ExposeAsync(format);
        var helps = await ExpositionOracles.PythonHelpsAsync(text, format == MetricsFormat.OpenMetrics);

        if (format == MetricsFormat.PrometheusText)
        {
            var (exitCode, output) = await ExpositionOracles.PromtoolCheckAsync(text);
            Assert.True(exitCode == 0, $"promtool exit {exitCode}: {output}\n{text}");
        }

        Assert.DoesNotContain("\nsecond line", text, StringComparison.Ordinal);
        foreach (string family in new[] { "hh_jobs", "hh_level", "hh_seconds", "hh_call_seconds" })
        {
            Assert.Equal(help, helps[family]);
        }
    }
}
