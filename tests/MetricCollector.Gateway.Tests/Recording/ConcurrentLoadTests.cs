using System.Globalization;
using System.Net;
using System.Text;
using MetricCollector.Tests.Exposition;

namespace MetricCollector.Gateway.Tests.Recording;

public sealed class ConcurrentLoadTests
{
    private const int Writers = 8;
    private const int RequestsPerWriter = 100;
    private const int RecordsPerRequest = 10;

    [Fact]
    public async Task Parallel_writers_and_scrapers_end_with_exact_totals_and_never_see_a_torn_exposition()
    {
        await using var gateway = await RunningGateway.StartAsync();
        using var writersDone = new CancellationTokenSource();
        int failures = 0;

        var writers = Enumerable.Range(0, Writers).Select(w => Task.Run(async () =>
        {
            // Each request: counter increments spread over 5 series, and a gauge moved up then down (net zero).
            var batch = new StringBuilder("[");
            for (int r = 0; r < RecordsPerRequest; r++)
            {
                batch.Append(CultureInfo.InvariantCulture, $$$"""{"metric_name":"load_hits","metric_type":"counter","value":1,"labels":{"shard":"s{{{r % 5}}}"}},""");
            }

            batch.Append("""{"metric_name":"load_level","metric_type":"gauge","operation":"inc","value":2},""");
            batch.Append("""{"metric_name":"load_level","metric_type":"gauge","operation":"dec","value":2},""");
            batch.Append(CultureInfo.InvariantCulture, $$"""{"metric_name":"load_latency_seconds","metric_type":"histogram","value":0.{{w + 1}}}]""");
            string body = batch.ToString();
            for (int i = 0; i < RequestsPerWriter; i++)
            {
                using var response = await gateway.Client.PostAsync("/record", new StringContent(body, Encoding.UTF8, "application/json"));
                if (response.StatusCode != HttpStatusCode.Accepted)
                {
                    Interlocked.Increment(ref failures);
                }
            }
        })).ToArray();

        var scrapers = new[] { false, true }.Select(openMetrics => Task.Run(async () =>
        {
            double previous = 0;
            int scrapes = 0;
            while (!writersDone.IsCancellationRequested || scrapes == 0)
            {
                string text = await gateway.MetricsAsync(openMetrics ? "application/openmetrics-text;version=1.0.0" : null);
                Assert.True(openMetrics ? text.EndsWith("# EOF\n", StringComparison.Ordinal) : text.EndsWith('\n'), "a scrape ended mid-line");
                double hits = MetricsText.Value(text, """load_hits_total{shard="s0"}""") ?? 0;
                Assert.True(hits >= previous, $"counter went back from {previous} to {hits}");
                previous = hits;
                if (scrapes++ % 50 == 0)
                {
                    await AssertParsesAsync(text, openMetrics);
                }
            }

            return scrapes;
        })).ToArray();

        await Task.WhenAll(writers);
        await writersDone.CancelAsync();
        int[] scrapeCounts = await Task.WhenAll(scrapers);

        string metrics = await gateway.MetricsAsync();
        Assert.Equal(0, failures);
        Assert.All(scrapeCounts, count => Assert.True(count > 0));
        for (int shard = 0; shard < 5; shard++)
        {
            Assert.Equal(Writers * RequestsPerWriter * 2, MetricsText.Value(metrics, $$"""load_hits_total{shard="s{{shard}}"}"""));
        }

        Assert.Equal(0, MetricsText.Value(metrics, "load_level"));
        Assert.Equal(Writers * RequestsPerWriter, MetricsText.Value(metrics, "load_latency_seconds_count"));
        Assert.Equal(Writers * RequestsPerWriter * (RecordsPerRequest + 3), MetricsText.Value(metrics, """metric_collector_records_total{result="accepted",reason=""}"""));

        // Once nobody writes, the strict parsers accept the whole exposition, histograms included.
        Assert.True(await ExpositionOracles.PythonParseAsync(metrics, openMetrics: false) > 0);
        Assert.True(await ExpositionOracles.PythonParseAsync(await gateway.MetricsAsync("application/openmetrics-text;version=1.0.0"), openMetrics: true) > 0);
    }

    /// <summary>
    /// The strict parsers accept a scrape taken under load, except for the one known tear: prometheus-net reads a
    /// histogram's count before its buckets, so observations that land in between leave <c>_count</c> behind the
    /// <c>+Inf</c> bucket (never ahead of it). Prometheus accepts such a scrape; the strict OpenMetrics parser does
    /// not (README, /metrics).
    /// </summary>
    private static async Task AssertParsesAsync(string text, bool openMetrics)
    {
        try
        {
            Assert.True(await ExpositionOracles.PythonParseAsync(text, openMetrics) > 0);
        }
        catch (InvalidOperationException ex) when (openMetrics && ex.Message.Contains("Count does not match +Inf value: load_latency_seconds", StringComparison.Ordinal))
        {
            double count = MetricsText.Value(text, "load_latency_seconds_count") ?? -1;
            double inf = MetricsText.Value(text, """load_latency_seconds_bucket{le="+Inf"}""") ?? -1;
            Assert.InRange(count, 0, inf - 1);
        }
    }
}
