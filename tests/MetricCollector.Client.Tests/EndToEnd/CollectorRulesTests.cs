using MetricCollector.Gateway.Tests;

namespace MetricCollector.Client.Tests.EndToEnd;

/// <summary>
/// Values the real collector would refuse: the client drops and counts each on its own, so that it never takes the
/// good values sent with it down too.
/// </summary>
public sealed class CollectorRulesTests : IAsyncLifetime
{
    private RunningGateway _gateway = null!;

    public async Task InitializeAsync() => _gateway = await RunningGateway.StartAsync();

    public async Task DisposeAsync() => await _gateway.DisposeAsync();

    private async Task<double?> SampleAsync(string series) => MetricsText.Value(await _gateway.MetricsAsync(), series);

    [Fact]
    public async Task A_negative_observation_costs_only_itself_not_the_other_observations_of_its_series()
    {
        await using var test = TestClient.Create(_gateway.Address);
        var histogram = test.Client.Histogram("neg_hist", buckets: [1, 2]);
        for (int i = 0; i < 99; i++)
        {
            histogram.Observe(0.5);
        }

        histogram.Observe(-0.001);

        Assert.True(await test.Client.FlushAsync());

        Assert.Equal(99, await SampleAsync("neg_hist_count"));
        Assert.Equal(new MetricCollectorClientStatistics(Sent: 1, Rejected: 0, Retried: 0, Dropped: 1), test.Client.Statistics);
    }
}
