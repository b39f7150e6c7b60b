using MetricCollector.Exposition;
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

    [Theory]
    [InlineData(null, MetricsFormat.PrometheusText)]
    [InlineData("text/plain", MetricsFormat.PrometheusText)]
    [InlineData("*/*", MetricsFormat.PrometheusText)]
    [InlineData("application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1", MetricsFormat.OpenMetrics)]
    public void The_format_follows_the_Accept_header(string? accept, MetricsFormat expected)
    {
        Assert.Equal(expected, MetricsContentTypes.Negotiate(accept));
    }
}
