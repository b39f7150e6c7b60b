using System.Net.Http.Headers;
using MetricCollector.Gateway.Tests;

namespace MetricCollector.Client.Tests.EndToEnd;

/// <summary>The client against a gateway that requires keys: the key is sent, and a refused credential is never silent.</summary>
public sealed class CredentialTests : IAsyncLifetime
{
    private const string RouterKey = "rec-router-0123456789";
    private const string ScrapeKey = "scrape-0123456789abc";

    private RunningGateway _gateway = null!;

    public async Task InitializeAsync() => _gateway = await RunningGateway.StartAsync(
        $"--Gateway:Auth:Keys:0:Key={RouterKey}", "--Gateway:Auth:Keys:0:ComponentId=router",
        $"--Gateway:Auth:Keys:1:Key={ScrapeKey}", "--Gateway:Auth:Keys:1:Roles:0=Scrape");

    public async Task DisposeAsync() => await _gateway.DisposeAsync();

    private static void RecordOneOfEach(MetricCollectorClient client)
    {
        client.Counter("e2e_auth_jobs_total").Inc();
        client.Gauge("e2e_auth_pool_free").Set(3);
        client.Histogram("e2e_auth_step_seconds").Observe(0.1);
        client.Summary("e2e_auth_tool_seconds").Observe(0.2);
    }

    [Fact]
    public async Task Without_a_key_every_record_of_the_refused_batch_counts_as_rejected_and_a_warning_names_the_missing_key()
    {
        await using var test = TestClient.Create(_gateway.Address);
        RecordOneOfEach(test.Client);

        Assert.True(await test.Client.FlushAsync());

        Assert.Equal(new MetricCollectorClientStatistics(Sent: 0, Rejected: 4, Retried: 0, Dropped: 0), test.Client.Statistics);
        string logged = Assert.Single(test.Logs.WithEventId(2));
        Assert.Contains("401", logged, StringComparison.Ordinal);
        Assert.Contains("ApiKey", logged, StringComparison.Ordinal);
        Assert.Contains("send a key as 'Authorization: Bearer <key>'", logged, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_key_without_the_record_role_gets_every_record_counted_as_rejected_and_a_warning_naming_the_role()
    {
        await using var test = TestClient.Create(_gateway.Address, o => o.ApiKey = ScrapeKey);
        RecordOneOfEach(test.Client);

        Assert.True(await test.Client.FlushAsync());

        Assert.Equal(new MetricCollectorClientStatistics(Sent: 0, Rejected: 4, Retried: 0, Dropped: 0), test.Client.Statistics);
        string logged = Assert.Single(test.Logs.WithEventId(2));
        Assert.Contains("403", logged, StringComparison.Ordinal);
        Assert.Contains("Record role", logged, StringComparison.Ordinal);
        Assert.Contains("the key lacks the 'record' role.", logged, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_api_key_option_is_sent_as_a_bearer_key_and_the_records_are_applied()
    {
        await using var test = TestClient.Create(_gateway.Address, o => o.ApiKey = RouterKey);
        test.Client.Counter("e2e_auth_keyed_total").Inc(2);

        Assert.True(await test.Client.FlushAsync());

        Assert.Equal(2, MetricsText.Value(await _gateway.MetricsAsync(), "e2e_auth_keyed_total{componentId=\"router\"}"));
        Assert.Equal(new MetricCollectorClientStatistics(Sent: 1, Rejected: 0, Retried: 0, Dropped: 0), test.Client.Statistics);
    }

    [Fact]
    public async Task A_key_set_on_the_http_client_builder_still_works()
    {
        await using var test = TestClient.Create(
            _gateway.Address,
            http: builder => builder.ConfigureHttpClient(c => c.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", RouterKey)));
        test.Client.Counter("e2e_auth_builder_total").Inc();

        Assert.True(await test.Client.FlushAsync());

        Assert.Equal(1, MetricsText.Value(await _gateway.MetricsAsync(), "e2e_auth_builder_total{componentId=\"router\"}"));
    }

    [Fact]
    public async Task A_series_refused_for_its_labels_is_sent_once_then_its_values_are_counted_as_rejected_without_a_request()
    {
        await using var test = TestClient.Create(_gateway.Address, o => o.ApiKey = RouterKey);
        // The key is bound to the router: a series claiming another component is refused for what defines it.
        var refused = test.Client.Counter("e2e_auth_theirs_total", new Dictionary<string, string> { ["componentId"] = "sandbox" });

        for (int flush = 0; flush < 3; flush++)
        {
            refused.Inc();
            Assert.True(await test.Client.FlushAsync());
        }

        string metrics = await _gateway.MetricsAsync();
        Assert.Equal(1, MetricsText.Value(metrics, "metric_collector_records_total{result=\"rejected\",reason=\"forbidden\"}"));
        Assert.Equal(new MetricCollectorClientStatistics(Sent: 0, Rejected: 3, Retried: 0, Dropped: 0), test.Client.Statistics);
        string logged = Assert.Single(test.Logs.WithEventId(1));
        Assert.Contains("forbidden", logged, StringComparison.Ordinal);
        Assert.DoesNotContain("..", logged, StringComparison.Ordinal);
    }
}
