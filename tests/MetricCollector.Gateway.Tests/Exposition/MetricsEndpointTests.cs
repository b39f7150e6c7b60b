using System.Net.Http.Headers;
using System.Text;
using MetricCollector.Tests.Exposition;

namespace MetricCollector.Gateway.Tests.Exposition;

public sealed class MetricsEndpointTests : IAsyncLifetime
{
    private const string PrometheusAccept = "application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1";

    private RunningGateway _gateway = null!;

    public async Task InitializeAsync()
    {
        _gateway = await RunningGateway.StartAsync();
        var content = new StringContent("""
            [{"metric_name":"sandbox_allocations","metric_type":"counter","labels":{"pool_name":"default"}},
             {"metric_name":"pool_free","metric_type":"gauge","value":4},
             {"metric_name":"alloc_seconds","metric_type":"histogram","values":[0.02,0.4]},
             {"metric_name":"mcp_call_seconds","metric_type":"summary","value":0.3}]
            """, Encoding.UTF8, "application/json");
        using var response = await _gateway.Client.PostAsync("/record", content);
        response.EnsureSuccessStatusCode();
    }

    public async Task DisposeAsync() => await _gateway.DisposeAsync();

    [Fact]
    public async Task Metrics_default_to_the_text_format_that_promtool_accepts()
    {
        using var response = await _gateway.Client.GetAsync("/metrics");
        string text = await response.Content.ReadAsStringAsync();

        Assert.Equal("text/plain; version=0.0.4; charset=utf-8", response.Content.Headers.ContentType!.ToString());
        var (exitCode, output) = await ExpositionOracles.PromtoolCheckAsync(text);
        Assert.True(exitCode == 0, output);
        Assert.Contains("sandbox_allocations_total{pool_name=\"default\"} 1", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_Prometheus_server_Accept_header_gets_OpenMetrics_the_strict_parser_accepts()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/metrics");
        request.Headers.TryAddWithoutValidation("Accept", PrometheusAccept);
        using var response = await _gateway.Client.SendAsync(request);
        string text = await response.Content.ReadAsStringAsync();

        Assert.Equal(new MediaTypeHeaderValue("application/openmetrics-text"), new MediaTypeHeaderValue(response.Content.Headers.ContentType!.MediaType!));
        Assert.Contains("version=1.0.0", response.Content.Headers.ContentType.ToString(), StringComparison.Ordinal);
        Assert.True(await ExpositionOracles.PythonParseAsync(text, openMetrics: true) > 10);
        Assert.Contains("# TYPE sandbox_allocations counter", text, StringComparison.Ordinal);
    }

    /// <summary>
    /// Prometheus sends <c>Accept-Encoding: gzip</c> on every scrape; the exposition was always sent uncompressed (a
    /// reviewer's finding: several MB a scrape at 100k series). The client here does not decompress by itself.
    /// </summary>
    [Fact]
    public async Task A_scraper_that_accepts_gzip_gets_the_same_exposition_compressed()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/metrics");
        request.Headers.TryAddWithoutValidation("Accept", PrometheusAccept);
        request.Headers.TryAddWithoutValidation("Accept-Encoding", "gzip");
        using var response = await _gateway.Client.SendAsync(request);
        byte[] compressed = await response.Content.ReadAsByteArrayAsync();
        using var head = new HttpRequestMessage(HttpMethod.Head, "/metrics");
        head.Headers.TryAddWithoutValidation("Accept-Encoding", "gzip");
        using var headResponse = await _gateway.Client.SendAsync(head);

        Assert.Equal(["gzip"], response.Content.Headers.ContentEncoding);
        Assert.Contains("Accept-Encoding", response.Headers.Vary);
        Assert.Equal(["gzip"], headResponse.Content.Headers.ContentEncoding);
        using var gzip = new System.IO.Compression.GZipStream(new MemoryStream(compressed), System.IO.Compression.CompressionMode.Decompress);
        using var reader = new StreamReader(gzip, Encoding.UTF8);
        string text = await reader.ReadToEndAsync();
        Assert.True(await ExpositionOracles.PythonParseAsync(text, openMetrics: true) > 10);
        Assert.Contains("sandbox_allocations_total{pool_name=\"default\"} 1", text, StringComparison.Ordinal);
        Assert.True(compressed.Length < text.Length / 2, $"{compressed.Length} compressed bytes for {text.Length}");
    }

    [Fact]
    public async Task A_scraper_that_does_not_accept_gzip_gets_the_exposition_uncompressed()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/metrics");
        request.Headers.TryAddWithoutValidation("Accept-Encoding", "gzip;q=0, br");
        using var response = await _gateway.Client.SendAsync(request);

        Assert.Empty(response.Content.Headers.ContentEncoding);
        Assert.Contains("sandbox_allocations_total{pool_name=\"default\"} 1", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("application/openmetrics-text;q=0", "text/plain")]
    [InlineData("text/plain;q=1, application/openmetrics-text;q=0.1", "text/plain")]
    [InlineData("application/openmetrics-text;version=1.0.0;q=0.2, text/plain;q=0.5", "text/plain")]
    [InlineData("text/plain;q=0.5, application/openmetrics-text;q=0.6", "application/openmetrics-text")]
    [InlineData("text/plain;q=0, */*", "application/openmetrics-text")]
    [InlineData("text/plain, application/openmetrics-text", "application/openmetrics-text")]
    public async Task The_format_honours_the_q_values_of_the_Accept_header(string accept, string mediaType)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/metrics");
        request.Headers.TryAddWithoutValidation("Accept", accept);
        using var response = await _gateway.Client.SendAsync(request);
        string text = await response.Content.ReadAsStringAsync();

        Assert.Equal(mediaType, response.Content.Headers.ContentType!.MediaType);
        Assert.Equal(mediaType == "application/openmetrics-text", text.EndsWith("# EOF\n", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Metrics_hold_only_what_the_gateway_means_to_expose()
    {
        string text = await _gateway.MetricsAsync();

        Assert.DoesNotContain("microsoft_aspnetcore", text, StringComparison.Ordinal);
        Assert.DoesNotContain("system_net", text, StringComparison.Ordinal);
        Assert.DoesNotContain("process_", text, StringComparison.Ordinal);
        Assert.DoesNotContain("dotnet_", text, StringComparison.Ordinal);
        Assert.Contains("metric_collector_records_total{result=\"accepted\",reason=\"\"} 4", text, StringComparison.Ordinal);
        Assert.Contains("metric_collector_series 4", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Invalid_options_stop_the_gateway_at_start_up()
    {
        var error = await Assert.ThrowsAnyAsync<Exception>(() => RunningGateway.StartAsync("--MetricCollector:MaxBatchSize=0"));

        Assert.Contains("MaxBatchSize", error.Message, StringComparison.Ordinal);
    }
}
