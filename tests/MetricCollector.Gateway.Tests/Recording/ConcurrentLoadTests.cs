using System.Globalization;
using System.Net;
using System.Text;
using MetricCollector.Gateway.Tests.Proxy;
using MetricCollector.Tests.Exposition;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace MetricCollector.Gateway.Tests.Recording;

public sealed class ConcurrentLoadTests
{
    private const int Writers = 8;
    private const int RequestsPerWriter = 100;
    private const int RecordsPerRequest = 10;

    // Enough that, with prometheus-net's histograms, most runs saw a scrape whose _count and +Inf bucket differed.
    private const int ProxiedRequestsPerClient = 400;

    [Fact]
    public async Task Parallel_writers_and_scrapers_end_with_exact_totals_and_never_see_a_torn_exposition()
    {
        await using var gateway = await RunningGateway.StartAsync();
        using var writersDone = new CancellationTokenSource();
        int failures = 0;

        var writers = Enumerable.Range(0, Writers).Select(w => Task.Run(async () =>
        {
            // Each request: counter increments spread over 5 series, a gauge moved up then down (net zero), and
            // histogram observations in two series, one of them observed twice in the same record.
            var batch = new StringBuilder("[");
            for (int r = 0; r < RecordsPerRequest; r++)
            {
                batch.Append(CultureInfo.InvariantCulture, $$$"""{"metric_name":"load_hits","metric_type":"counter","value":1,"labels":{"shard":"s{{{r % 5}}}"}},""");
            }

            batch.Append("""{"metric_name":"load_level","metric_type":"gauge","operation":"inc","value":2},""");
            batch.Append("""{"metric_name":"load_level","metric_type":"gauge","operation":"dec","value":2},""");
            batch.Append(CultureInfo.InvariantCulture, $$$"""{"metric_name":"load_step_seconds","metric_type":"histogram","values":[0.0{{{w + 1}}},{{{w + 1}}}],"labels":{"step":"s{{{w % 2}}}"}},""");
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
            var taken = new List<string>();
            while (!writersDone.IsCancellationRequested || taken.Count == 0)
            {
                string text = await gateway.MetricsAsync(openMetrics ? "application/openmetrics-text;version=1.0.0" : null);
                Assert.True(openMetrics ? text.EndsWith("# EOF\n", StringComparison.Ordinal) : text.EndsWith('\n'), "a scrape ended mid-line");
                double hits = MetricsText.Value(text, """load_hits_total{shard="s0"}""") ?? 0;
                Assert.True(hits >= previous, $"counter went back from {previous} to {hits}");
                previous = hits;
                AssertHistogramsConsistent(text);
                taken.Add(text);
            }

            return taken;
        })).ToArray();

        await Task.WhenAll(writers);
        await writersDone.CancelAsync();
        var scrapes = await Task.WhenAll(scrapers);

        string metrics = await gateway.MetricsAsync();
        Assert.Equal(0, failures);
        for (int shard = 0; shard < 5; shard++)
        {
            Assert.Equal(Writers * RequestsPerWriter * 2, MetricsText.Value(metrics, $$"""load_hits_total{shard="s{{shard}}"}"""));
        }

        Assert.Equal(0, MetricsText.Value(metrics, "load_level"));
        Assert.Equal(Writers * RequestsPerWriter, MetricsText.Value(metrics, "load_latency_seconds_count"));
        Assert.Equal(Writers / 2 * RequestsPerWriter * 2, MetricsText.Value(metrics, """load_step_seconds_count{step="s0"}"""));
        Assert.Equal(Writers * RequestsPerWriter * (RecordsPerRequest + 4), MetricsText.Value(metrics, """metric_collector_records_total{result="accepted",reason=""}"""));

        // Every scrape taken under load, whole, passes the strict parsers: the OpenMetrics one refuses a histogram
        // whose _count differs from its +Inf bucket, which prometheus-net's histograms could show under load.
        Assert.Equal(scrapes[0].Count, await ExpositionOracles.PythonParseEachAsync([.. scrapes[0], metrics], openMetrics: false) - 1);
        Assert.Equal(scrapes[1].Count, await ExpositionOracles.PythonParseEachAsync(scrapes[1], openMetrics: true));
    }

    [Fact]
    public async Task Proxied_requests_and_parallel_scrapes_show_consistent_gateway_histograms_and_exact_totals()
    {
        using var upstream = WireMockServer.Start();
        upstream.Given(Request.Create().UsingGet()).RespondWith(Response.Create().WithStatusCode(200).WithBody("ok"));
        using var config = new ProxyConfigFile();
        config.Route("load", "c", "/load/{**rest}").Cluster("c", upstream.Url!).Write();
        await using var gateway = await RunningGateway.StartAsync("--proxy-config", config.Path);
        using var requestsDone = new CancellationTokenSource();
        int failures = 0;

        var clients = Enumerable.Range(0, Writers).Select(w => Task.Run(async () =>
        {
            for (int i = 0; i < ProxiedRequestsPerClient; i++)
            {
                using var response = await gateway.Client.GetAsync($"/load/{w}/{i}");
                if (response.StatusCode != HttpStatusCode.OK)
                {
                    Interlocked.Increment(ref failures);
                }
            }
        })).ToArray();

        // The gateway's own histograms (request and upstream durations) are observed by every proxied request while
        // these scrape: each scrape must show every series' buckets, count and sum from one moment.
        var scrapers = new[] { false, true }.Select(openMetrics => Task.Run(async () =>
        {
            var taken = new List<string>();
            while (!requestsDone.IsCancellationRequested || taken.Count == 0)
            {
                string text = await gateway.MetricsAsync(openMetrics ? "application/openmetrics-text;version=1.0.0" : null);
                AssertHistogramsConsistent(text);
                taken.Add(text);
            }

            return taken;
        })).ToArray();

        await Task.WhenAll(clients);
        await requestsDone.CancelAsync();
        var scrapes = await Task.WhenAll(scrapers);

        // The instrumentation records after the response is complete: wait until the last requests are counted.
        const string Series = """{route="load",cluster="c",method="GET",code="200"}""";
        string metrics = "";
        bool counted = await Poll.UntilAsync(async () =>
        {
            metrics = await gateway.MetricsAsync();
            return MetricsText.Value(metrics, "gateway_requests_total" + Series) == Writers * ProxiedRequestsPerClient
                && MetricsText.Value(metrics, "gateway_request_duration_seconds_count" + Series) == Writers * ProxiedRequestsPerClient
                && MetricsText.Value(metrics, """gateway_upstream_duration_seconds_count{cluster="c",destination="d1"}""") == Writers * ProxiedRequestsPerClient;
        });
        Assert.True(counted, "gateway_requests_total never reached the requests sent:\n" + metrics);
        Assert.Equal(0, failures);
        Assert.Equal(Writers * ProxiedRequestsPerClient, MetricsText.Value(metrics, "gateway_request_duration_seconds_count" + Series));
        Assert.Equal(Writers * ProxiedRequestsPerClient, MetricsText.Value(metrics, """gateway_upstream_duration_seconds_count{cluster="c",destination="d1"}"""));
        Assert.Equal(scrapes[0].Count, await ExpositionOracles.PythonParseEachAsync(scrapes[0], openMetrics: false));
        Assert.Equal(scrapes[1].Count, await ExpositionOracles.PythonParseEachAsync(scrapes[1], openMetrics: true));
    }

    /// <summary>
    /// Every histogram series of the scrape is one set of observations: buckets cumulative (never decreasing), the
    /// <c>+Inf</c> bucket equal to <c>_count</c>, in both formats (the text parser checks neither).
    /// </summary>
    private static void AssertHistogramsConsistent(string text)
    {
        var buckets = new Dictionary<string, double>(StringComparer.Ordinal);
        var counts = new Dictionary<string, double>(StringComparer.Ordinal);
        string? series = null;
        double previous = 0;
        foreach (string line in text.Split('\n'))
        {
            int space = line.LastIndexOf(' ');
            if (line.Length == 0 || line[0] == '#' || space < 0)
            {
                continue;
            }

            string name = line[..space];
            double value = double.Parse(line[(space + 1)..], CultureInfo.InvariantCulture);
            int le = name.LastIndexOf("le=\"", StringComparison.Ordinal);
            if (name.Contains("_bucket{", StringComparison.Ordinal) && le > 0)
            {
                // The series: the name without _bucket and without its le label, as its _count line names it.
                string key = name[..name.IndexOf("_bucket{", StringComparison.Ordinal)] + "_count" + (le == name.IndexOf('{') + 1 ? "" : "{" + name[(name.IndexOf('{') + 1)..(le - 1)] + "}");
                Assert.True(key != series || value >= previous, $"bucket {name} went down from {previous} to {value}");
                series = key;
                previous = value;
                if (name.EndsWith("le=\"+Inf\"}", StringComparison.Ordinal))
                {
                    buckets[key] = value;
                }
            }
            else if (name.Contains("_count", StringComparison.Ordinal))
            {
                counts[name] = value;
            }
        }

        foreach (var (key, inf) in buckets)
        {
            Assert.True(counts.TryGetValue(key, out double count) && count == inf, $"{key} is {count} but its +Inf bucket {inf}:\n{text}");
        }
    }
}
