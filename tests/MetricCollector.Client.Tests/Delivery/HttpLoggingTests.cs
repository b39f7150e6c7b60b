using Microsoft.Extensions.Logging;

namespace MetricCollector.Client.Tests.Delivery;

public sealed class HttpLoggingTests : IDisposable
{
    private const string FactoryCategory = "System.Net.Http.HttpClient." + MetricCollectorClient.HttpClientName;

    private readonly FakeCollector _collector = new();

    public void Dispose() => _collector.Dispose();

    private static int FactoryLines(TestClient test) =>
        test.Logs.Entries.Count(e => e.Category.StartsWith(FactoryCategory, StringComparison.Ordinal) && e.Level >= LogLevel.Information);

    [Fact]
    public async Task A_flush_writes_no_per_request_lines_of_the_http_client_factory()
    {
        // The factory's default logging wrote four Information lines per request: several a second at the default flush.
        await using var test = TestClient.Create(_collector.Address);
        test.Client.Counter("jobs_total").Inc();

        Assert.True(await test.Client.FlushAsync());

        Assert.Single(_collector.Batches);
        Assert.Equal(0, FactoryLines(test));
    }

    [Fact]
    public async Task A_host_that_wants_the_per_request_lines_adds_them_back_with_AddDefaultLogger()
    {
        await using var test = TestClient.Create(_collector.Address, http: builder => builder.AddDefaultLogger());
        test.Client.Counter("jobs_total").Inc();

        Assert.True(await test.Client.FlushAsync());

        Assert.Equal(4, FactoryLines(test));
    }
}
