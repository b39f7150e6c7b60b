using System.Net;
using System.Text;
using System.Text.Json;

namespace MetricCollector.Gateway.Tests.Recording;

public sealed class IdempotencyKeyTests : IAsyncLifetime
{
    private RunningGateway _gateway = null!;

    public async Task InitializeAsync() => _gateway = await RunningGateway.StartAsync();

    public async Task DisposeAsync() => await _gateway.DisposeAsync();

    private Task<HttpResponseMessage> PostAsync(string body, params string[] keys)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/record") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        foreach (string key in keys)
        {
            request.Headers.TryAddWithoutValidation("Idempotency-Key", key);
        }

        return _gateway.Client.SendAsync(request);
    }

    [Fact]
    public async Task A_batch_sent_again_with_its_key_gets_the_first_answer_and_counts_once()
    {
        const string batch = """[{"metric_name":"jobs_total","metric_type":"counter","value":5},{"metric_name":"jobs_total","metric_type":"counter","value":-1}]""";

        using var first = await PostAsync(batch, "batch-1");
        using var again = await PostAsync(batch, "batch-1");

        Assert.Equal((HttpStatusCode)207, first.StatusCode);
        Assert.Equal(first.StatusCode, again.StatusCode);
        Assert.Equal(await first.Content.ReadAsStringAsync(), await again.Content.ReadAsStringAsync());
        Assert.False(first.Headers.Contains("Idempotent-Replayed"));
        Assert.Equal("true", again.Headers.GetValues("Idempotent-Replayed").Single());
        string metrics = await _gateway.MetricsAsync();
        Assert.Equal(5, MetricsText.Value(metrics, "jobs_total"));
        Assert.Equal(1, MetricsText.Value(metrics, "metric_collector_idempotent_replays_total"));
        Assert.Equal(1, MetricsText.Value(metrics, "metric_collector_records_total{result=\"accepted\",reason=\"\"}"));
    }

    [Fact]
    public async Task A_replayed_415_for_a_content_coding_still_says_Accept_Encoding_identity()
    {
        using var first = await _gateway.Client.SendAsync(Compressed("zipped-1"));
        using var again = await _gateway.Client.SendAsync(Compressed("zipped-1"));

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, first.StatusCode);
        Assert.Equal(first.StatusCode, again.StatusCode);
        Assert.Equal(await first.Content.ReadAsStringAsync(), await again.Content.ReadAsStringAsync());
        Assert.Equal("true", again.Headers.GetValues("Idempotent-Replayed").Single());
        Assert.Equal("identity", string.Join(", ", first.Headers.GetValues("Accept-Encoding")));
        Assert.True(again.Headers.TryGetValues("Accept-Encoding", out var replayed), "the replayed 415 has no Accept-Encoding");
        Assert.Equal("identity", string.Join(", ", replayed));

        static HttpRequestMessage Compressed(string key)
        {
            var content = new ByteArrayContent([0x1f, 0x8b, 0x08, 0x00]);
            content.Headers.TryAddWithoutValidation("Content-Type", "application/json");
            content.Headers.ContentEncoding.Add("gzip");
            var request = new HttpRequestMessage(HttpMethod.Post, "/record") { Content = content };
            request.Headers.TryAddWithoutValidation("Idempotency-Key", key);
            return request;
        }
    }

    [Fact]
    public async Task Duplicates_sent_at_the_same_time_are_applied_once_and_all_get_the_same_answer()
    {
        const string record = """{"metric_name":"jobs_total","metric_type":"counter","value":3}""";

        var responses = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => PostAsync(record, "concurrent")));

        Assert.All(responses, response => Assert.Equal(HttpStatusCode.Accepted, response.StatusCode));
        string[] bodies = await Task.WhenAll(responses.Select(r => r.Content.ReadAsStringAsync()));
        Assert.Single(bodies.Distinct());
        string metrics = await _gateway.MetricsAsync();
        Assert.Equal(3, MetricsText.Value(metrics, "jobs_total"));
        Assert.Equal(9, MetricsText.Value(metrics, "metric_collector_idempotent_replays_total"));
        foreach (var response in responses)
        {
            response.Dispose();
        }
    }

    [Fact]
    public async Task Different_keys_are_different_batches()
    {
        const string record = """{"metric_name":"jobs_total","metric_type":"counter","value":2}""";

        using var first = await PostAsync(record, "a");
        using var second = await PostAsync(record, "b");
        using var unkeyed = await PostAsync(record);

        Assert.Equal(6, MetricsText.Value(await _gateway.MetricsAsync(), "jobs_total"));
    }

    [Theory]
    [InlineData("--MetricCollector:IdempotencyWindow=00:00:00", "IdempotencyWindow")]
    [InlineData("--MetricCollector:IdempotencyMaxKeys=0", "IdempotencyMaxKeys")]
    public async Task An_idempotency_window_or_key_limit_out_of_range_stops_the_gateway_at_start_up(string argument, string setting)
    {
        var error = await Assert.ThrowsAnyAsync<Exception>(() => RunningGateway.StartAsync(argument));

        Assert.Contains(setting, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("has space")]
    [InlineData("one", "two")]
    public async Task An_unusable_key_is_refused_with_400_and_nothing_is_applied(params string[] keys)
    {
        using var response = await PostAsync("""{"metric_name":"jobs_total","metric_type":"counter"}""", keys);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("urn:metric-collector:problem:invalid_idempotency_key", problem.GetProperty("type").GetString());
        Assert.Equal("Idempotency-Key", problem.GetProperty("field").GetString());
        string metrics = await _gateway.MetricsAsync();
        Assert.Null(MetricsText.Value(metrics, "jobs_total"));
        Assert.Equal(1, MetricsText.Value(metrics, "metric_collector_records_total{result=\"rejected\",reason=\"invalid_idempotency_key\"}"));
    }
}
