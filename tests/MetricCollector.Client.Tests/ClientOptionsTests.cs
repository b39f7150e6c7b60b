using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace MetricCollector.Client.Tests;

public sealed class ClientOptionsTests
{
    private static async Task<OptionsValidationException> StartFailsAsync(Action<MetricCollectorClientOptions> configure)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddMetricCollectorClient(configure);
        using var host = builder.Build();
        return await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());
    }

    [Fact]
    public async Task A_missing_endpoint_stops_the_host_at_start_up()
    {
        var failure = await StartFailsAsync(_ => { });

        Assert.Contains("Endpoint", failure.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("ftp://gateway/")]
    [InlineData("/relative")]
    public async Task An_endpoint_that_is_not_an_absolute_http_address_stops_the_host(string endpoint)
    {
        var failure = await StartFailsAsync(o => o.Endpoint = new Uri(endpoint, UriKind.RelativeOrAbsolute));

        Assert.Contains("absolute http or https", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_batch_size_over_the_collectors_default_limit_stops_the_host()
    {
        var failure = await StartFailsAsync(o =>
        {
            o.Endpoint = new Uri("http://gateway:8080");
            o.BatchSize = 1001;
        });

        Assert.Contains("BatchSize", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_longest_retry_delay_shorter_than_the_first_stops_the_host()
    {
        var failure = await StartFailsAsync(o =>
        {
            o.Endpoint = new Uri("http://gateway:8080");
            o.RetryDelay = TimeSpan.FromSeconds(10);
            o.MaxRetryDelay = TimeSpan.FromSeconds(1);
        });

        Assert.Contains("MaxRetryDelay", failure.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("short-key")]
    [InlineData("a-key-with-a\nline-feed-0123")]
    [InlineData(" padded-key-0123456789 ")]
    public async Task An_api_key_too_short_or_not_visible_ascii_stops_the_host_without_showing_the_key(string key)
    {
        var failure = await StartFailsAsync(o =>
        {
            o.Endpoint = new Uri("http://gateway:8080");
            o.ApiKey = key;
        });

        Assert.Contains("ApiKey", failure.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(key, failure.Message, StringComparison.Ordinal);
    }
}
