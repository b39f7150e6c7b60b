using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace MetricCollector.Gateway.Tests.Security;

public sealed class ApiKeyTests : IAsyncLifetime
{
    private const string SandboxKey = "sandbox-manager-key-0123456789";
    private const string UnboundKey = "unbound-writer-key-0123456789";
    private const string ScraperKey = "prometheus-scraper-key-012345";
    private const string AdminKey = "operator-admin-key-0123456789";

    private RunningGateway _gateway = null!;

    public async Task InitializeAsync() => _gateway = await RunningGateway.StartAsync(
        $"--Gateway:Auth:Keys:0:Key={SandboxKey}", "--Gateway:Auth:Keys:0:ComponentId=sandbox-manager",
        $"--Gateway:Auth:Keys:1:Key={UnboundKey}",
        $"--Gateway:Auth:Keys:2:Key={ScraperKey}", "--Gateway:Auth:Keys:2:Roles:0=Scrape",
        $"--Gateway:Auth:Keys:3:Key={AdminKey}", "--Gateway:Auth:Keys:3:Roles:0=Admin", "--Gateway:Auth:Keys:3:Roles:1=Scrape",
        "--Gateway:Auth:RequireForMetrics=true");

    public async Task DisposeAsync() => await _gateway.DisposeAsync();

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string? key, string? body = null, string scheme = "Bearer")
    {
        using var request = new HttpRequestMessage(method, path);
        if (key is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue(scheme, key);
        }

        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        }

        return await _gateway.Client.SendAsync(request);
    }

    private async Task<string> ScrapeAsync()
    {
        using var response = await SendAsync(HttpMethod.Get, "/metrics", ScraperKey);
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadAsStringAsync();
    }

    private static async Task<JsonElement> ProblemAsync(HttpResponseMessage response)
    {
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
    }

    [Theory]
    [InlineData(null)]
    [InlineData("wrong-key-that-is-long-enough")]
    public async Task A_record_without_a_valid_key_gets_401_problem_details_and_is_counted(string? key)
    {
        using var response = await SendAsync(HttpMethod.Post, "/record", key, """{"metric_name":"x","metric_type":"counter"}""");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("Bearer", response.Headers.WwwAuthenticate.Single().Scheme);
        var problem = await ProblemAsync(response);
        Assert.Equal("urn:metric-collector:problem:unauthorized", problem.GetProperty("type").GetString());
        Assert.Equal("Authorization", problem.GetProperty("field").GetString());
        string metrics = await ScrapeAsync();
        Assert.Null(MetricsText.Value(metrics, "x_total"));
        Assert.True(MetricsText.Value(metrics, """metric_collector_auth_failures_total{endpoint="record",reason="unauthorized"}""") >= 1);
        Assert.True(MetricsText.Value(metrics, """metric_collector_records_total{result="rejected",reason="unauthorized"}""") >= 1);
    }

    [Fact]
    public async Task A_component_key_stamps_its_component_on_every_record()
    {
        using var response = await SendAsync(HttpMethod.Post, "/record", SandboxKey,
            """[{"metric_name":"allocs","metric_type":"counter","labels":{"pool":"p1"}},{"metric_name":"allocs","metric_type":"counter","labels":{"pool":"p1","componentId":"sandbox-manager"}}]""");

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal(2, MetricsText.Value(await ScrapeAsync(), """allocs_total{componentId="sandbox-manager",pool="p1"}"""));
    }

    [Fact]
    public async Task A_component_key_cannot_write_series_claiming_another_component()
    {
        using var response = await SendAsync(HttpMethod.Post, "/record", SandboxKey,
            """{"metric_name":"spoofed","metric_type":"gauge","value":1,"labels":{"componentId":"request-router"}}""");

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        var problem = await ProblemAsync(response);
        Assert.Equal("/labels/componentId", problem.GetProperty("field").GetString());
        Assert.Contains("sandbox-manager", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(0, MetricsText.Count(await ScrapeAsync(), "spoofed"));
    }

    [Fact]
    public async Task A_record_claiming_another_component_counts_as_an_auth_failure_once_per_request()
    {
        const string Forbidden = """metric_collector_auth_failures_total{endpoint="record",reason="forbidden"}""";
        double before = MetricsText.Value(await ScrapeAsync(), Forbidden) ?? 0;

        using var response = await SendAsync(HttpMethod.Post, "/record", SandboxKey,
            """[{"metric_name":"spoofed2","metric_type":"gauge","value":1,"labels":{"componentId":"request-router"}},{"metric_name":"spoofed2","metric_type":"gauge","value":1,"labels":{"componentId":"other"}}]""");

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal(before + 1, MetricsText.Value(await ScrapeAsync(), Forbidden));
    }

    [Fact]
    public async Task A_record_whose_labels_leave_no_room_for_the_stamped_one_is_told_so()
    {
        string labels = string.Join(",", Enumerable.Range(0, 32).Select(i => $"\"l{i}\":\"v\""));
        using var response = await SendAsync(HttpMethod.Post, "/record", SandboxKey,
            "{\"metric_name\":\"crowded\",\"metric_type\":\"counter\",\"labels\":{" + labels + "}}");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await ProblemAsync(response);
        Assert.Equal("urn:metric-collector:problem:too_many_labels", problem.GetProperty("type").GetString());
        Assert.Equal("/labels", problem.GetProperty("field").GetString());
        Assert.Contains("componentId", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Contains("31", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unbound_key_writes_what_it_sends()
    {
        using var response = await SendAsync(HttpMethod.Post, "/record", UnboundKey,
            """{"metric_name":"free","metric_type":"gauge","value":3,"labels":{"componentId":"request-router"}}""");

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal(3, MetricsText.Value(await ScrapeAsync(), """free{componentId="request-router"}"""));
    }

    [Fact]
    public async Task Metrics_need_a_scrape_key_when_required_by_bearer_or_basic_auth()
    {
        using var anonymous = await SendAsync(HttpMethod.Get, "/metrics", null);
        using var writerOnly = await SendAsync(HttpMethod.Get, "/metrics", UnboundKey);
        using var basic = await SendAsync(HttpMethod.Get, "/metrics", Convert.ToBase64String(Encoding.UTF8.GetBytes("prometheus:" + ScraperKey)), scheme: "Basic");

        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, writerOnly.StatusCode);
        Assert.Equal("urn:metric-collector:problem:forbidden", (await ProblemAsync(writerOnly)).GetProperty("type").GetString());
        Assert.Equal(HttpStatusCode.OK, basic.StatusCode);
        string metrics = await ScrapeAsync();
        Assert.True(MetricsText.Value(metrics, """metric_collector_auth_failures_total{endpoint="metrics",reason="forbidden"}""") >= 1);
    }

    [Fact]
    public async Task Idempotency_keys_are_per_credential_so_one_component_cannot_replay_anothers_answers()
    {
        const string body = """{"metric_name":"shared_key_hits","metric_type":"counter"}""";
        async Task<HttpResponseMessage> SendWithKeyAsync(string apiKey)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/record") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
            request.Headers.Add("Idempotency-Key", "batch-1");
            return await _gateway.Client.SendAsync(request);
        }

        using var first = await SendWithKeyAsync(SandboxKey);
        using var other = await SendWithKeyAsync(UnboundKey);
        using var repeat = await SendWithKeyAsync(SandboxKey);

        Assert.False(other.Headers.Contains("Idempotent-Replayed"));
        Assert.True(repeat.Headers.Contains("Idempotent-Replayed"));
        string metrics = await ScrapeAsync();
        Assert.Equal(1, MetricsText.Value(metrics, """shared_key_hits_total{componentId="sandbox-manager"}"""));
    }

    [Fact]
    public async Task Deleting_needs_the_admin_role()
    {
        using var write = await SendAsync(HttpMethod.Post, "/record", UnboundKey, """{"metric_name":"doomed","metric_type":"gauge","value":1,"labels":{"k":"a"}}""");
        using var byWriter = await SendAsync(HttpMethod.Delete, "/metrics/doomed", UnboundKey);
        using var anonymous = await SendAsync(HttpMethod.Delete, "/metrics", null);
        Assert.Equal(1, MetricsText.Value(await ScrapeAsync(), """doomed{k="a"}"""));

        using var byAdmin = await SendAsync(HttpMethod.Delete, "/metrics/doomed?k=a", AdminKey);

        Assert.Equal(HttpStatusCode.Forbidden, byWriter.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal(HttpStatusCode.OK, byAdmin.StatusCode);
        Assert.Equal(1, JsonDocument.Parse(await byAdmin.Content.ReadAsStringAsync()).RootElement.GetProperty("deleted").GetInt32());
        string metrics = await ScrapeAsync();
        Assert.Null(MetricsText.Value(metrics, """doomed{k="a"}"""));
        Assert.True(MetricsText.Value(metrics, """metric_collector_auth_failures_total{endpoint="delete",reason="forbidden"}""") >= 1);
    }

    /// <summary>
    /// The credential's bytes are decoded on the stack only up to a bound: with the header limit raised to its 1 MiB
    /// maximum, a near-megabyte credential is refused like any wrong key, and a long key longer than that bound works.
    /// </summary>
    [Fact]
    public async Task Credentials_of_any_size_up_to_the_header_limit_are_checked_and_a_key_of_600_characters_works()
    {
        string longKey = new('k', 600);
        await using var gateway = await RunningGateway.StartAsync(
            "--Gateway:Server:MaxRequestHeadersTotalSize=1048576", "--Gateway:Auth:RequireForMetrics=true",
            $"--Gateway:Auth:Keys:0:Key={longKey}", "--Gateway:Auth:Keys:0:Roles:0=Scrape", "--Gateway:Auth:Keys:0:Roles:1=Record");

        async Task<HttpStatusCode> StatusAsync(HttpMethod method, string path, string scheme, string credential)
        {
            using var request = new HttpRequestMessage(method, path);
            request.Headers.Authorization = new AuthenticationHeaderValue(scheme, credential);
            if (method == HttpMethod.Post)
            {
                request.Content = new StringContent("""{"metric_name":"long_key_writes","metric_type":"counter"}""", Encoding.UTF8, "application/json");
            }

            using var response = await gateway.Client.SendAsync(request);
            return response.StatusCode;
        }

        string hugeBasic = Convert.ToBase64String(Encoding.UTF8.GetBytes("prometheus:" + new string('p', 700_000)));
        Assert.Equal(HttpStatusCode.Unauthorized, await StatusAsync(HttpMethod.Get, "/metrics", "Basic", hugeBasic));
        Assert.Equal(HttpStatusCode.Unauthorized, await StatusAsync(HttpMethod.Get, "/metrics", "Bearer", new string('b', 1_000_000)));
        Assert.Equal(HttpStatusCode.Unauthorized, await StatusAsync(HttpMethod.Get, "/metrics", "Basic", "not base64!"));

        Assert.Equal(HttpStatusCode.Accepted, await StatusAsync(HttpMethod.Post, "/record", "Bearer", longKey));
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(HttpMethod.Get, "/metrics", "Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes("prometheus:" + longKey))));
        using var scrape = new HttpRequestMessage(HttpMethod.Get, "/metrics") { Headers = { Authorization = new AuthenticationHeaderValue("Bearer", longKey) } };
        using var metrics = await gateway.Client.SendAsync(scrape);
        string text = await metrics.Content.ReadAsStringAsync();
        Assert.Equal(1, MetricsText.Value(text, "long_key_writes_total"));
        Assert.Equal(3, MetricsText.Value(text, """metric_collector_auth_failures_total{endpoint="metrics",reason="unauthorized"}"""));
    }
}
