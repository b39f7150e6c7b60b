using System.Net;
using System.Text;
using System.Text.Json;

namespace MetricCollector.Gateway.Tests.Recording;

public sealed class SeriesLifecycleTests : IAsyncLifetime
{
    private RunningGateway _gateway = null!;

    public async Task InitializeAsync() => _gateway = await RunningGateway.StartAsync(
        "--MetricCollector:MaxSeriesPerMetric=2", "--MetricCollector:ExpiryScanInterval=00:00:00.200");

    public async Task DisposeAsync() => await _gateway.DisposeAsync();

    private Task<HttpResponseMessage> PostAsync(string body) =>
        _gateway.Client.PostAsync("/record", new StringContent(body, Encoding.UTF8, "application/json"));

    [Fact]
    public async Task A_series_pushed_with_ttl_seconds_disappears_once_it_stops_being_updated()
    {
        using var shortLived = await PostAsync("""{"metric_name":"heartbeat","metric_type":"gauge","value":1,"ttl_seconds":1}""");
        using var kept = await PostAsync("""{"metric_name":"kept_gauge","metric_type":"gauge","value":1}""");
        Assert.Equal(1, MetricsText.Value(await _gateway.MetricsAsync(), "heartbeat"));

        bool gone = await Poll.UntilAsync(async () => MetricsText.Value(await _gateway.MetricsAsync(), "heartbeat") is null);

        Assert.True(gone);
        Assert.Equal(1, MetricsText.Value(await _gateway.MetricsAsync(), "kept_gauge"));
    }

    [Fact]
    public async Task Exploding_label_values_get_422_naming_the_limit_while_existing_series_keep_working()
    {
        using var first = await PostAsync("""{"metric_name":"per_user","metric_type":"counter","labels":{"user":"a"}}""");
        using var second = await PostAsync("""{"metric_name":"per_user","metric_type":"counter","labels":{"user":"b"}}""");
        using var third = await PostAsync("""{"metric_name":"per_user","metric_type":"counter","labels":{"user":"c"}}""");
        using var again = await PostAsync("""{"metric_name":"per_user","metric_type":"counter","labels":{"user":"a"}}""");

        Assert.Equal((HttpStatusCode)422, third.StatusCode);
        var problem = JsonDocument.Parse(await third.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("urn:metric-collector:problem:metric_series_limit", problem.GetProperty("type").GetString());
        Assert.Equal("/labels", problem.GetProperty("field").GetString());
        Assert.Equal(HttpStatusCode.Accepted, again.StatusCode);
        string metrics = await _gateway.MetricsAsync();
        Assert.Equal(2, MetricsText.Value(metrics, """per_user_total{user="a"}"""));
        Assert.Null(MetricsText.Value(metrics, """per_user_total{user="c"}"""));
    }

    [Fact]
    public async Task Delete_of_an_unknown_metric_is_404_and_a_wipe_answers_how_many_series_went()
    {
        using var write = await PostAsync("""{"metric_name":"wiped_gauge","metric_type":"gauge","value":1}""");

        using var unknown = await _gateway.Client.DeleteAsync("/metrics/never_pushed");
        using var wipe = await _gateway.Client.DeleteAsync("/metrics");

        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal("urn:metric-collector:problem:unknown_metric", JsonDocument.Parse(await unknown.Content.ReadAsStringAsync()).RootElement.GetProperty("type").GetString());
        Assert.Equal(HttpStatusCode.OK, wipe.StatusCode);
        Assert.True(JsonDocument.Parse(await wipe.Content.ReadAsStringAsync()).RootElement.GetProperty("deleted").GetInt32() >= 1);
        Assert.Null(MetricsText.Value(await _gateway.MetricsAsync(), "wiped_gauge"));
    }

    [Fact]
    public async Task Delete_naming_a_label_the_metric_does_not_have_is_400_naming_it_and_deletes_nothing()
    {
        using var write = await PostAsync("""{"metric_name":"typo_gauge","metric_type":"gauge","value":1,"labels":{"pool":"a"}}""");

        using var typo = await _gateway.Client.DeleteAsync("/metrics/typo_gauge?pol=a");
        using var twice = await _gateway.Client.DeleteAsync("/metrics/typo_gauge?pool=a&pool=b");
        using var right = await _gateway.Client.DeleteAsync("/metrics/typo_gauge?pool=b");

        Assert.Equal(HttpStatusCode.BadRequest, typo.StatusCode);
        var problem = JsonDocument.Parse(await typo.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("urn:metric-collector:problem:invalid_matcher", problem.GetProperty("type").GetString());
        Assert.Equal("/query/pol", problem.GetProperty("field").GetString());
        Assert.Equal("pushed metric 'typo_gauge' has no label 'pol'; its labels are pool.", problem.GetProperty("detail").GetString());
        Assert.Equal(HttpStatusCode.BadRequest, twice.StatusCode);
        Assert.Equal(0, JsonDocument.Parse(await right.Content.ReadAsStringAsync()).RootElement.GetProperty("deleted").GetInt32());
        Assert.Equal(1, MetricsText.Value(await _gateway.MetricsAsync(), """typo_gauge{pool="a"}"""));
    }

    [Theory]
    [InlineData("/metrics/")]
    [InlineData("/metrics/?poolName=p")]
    public async Task Delete_with_an_empty_name_is_404_and_wipes_nothing(string path)
    {
        // What `curl -X DELETE "$B/metrics/$NAME"` sends when NAME is unset: a wipe needs DELETE /metrics exactly.
        using var write = await PostAsync("""{"metric_name":"kept_by_empty_delete","metric_type":"gauge","value":1}""");

        using var response = await _gateway.Client.DeleteAsync(path);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("urn:metric-collector:problem:unknown_metric", problem.GetProperty("type").GetString());
        Assert.Equal("/metric_name", problem.GetProperty("field").GetString());
        Assert.Equal(1, MetricsText.Value(await _gateway.MetricsAsync(), "kept_by_empty_delete"));
    }
}
