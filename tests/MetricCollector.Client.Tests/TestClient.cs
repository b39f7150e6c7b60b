using Microsoft.Extensions.Logging;

namespace MetricCollector.Client.Tests;

/// <summary>
/// A <see cref="MetricCollectorClient"/> built the way a component builds it (<c>AddMetricCollectorClient</c>), with
/// test defaults: no background flush (tests flush when they mean to), short retry delays and break duration.
/// </summary>
internal sealed class TestClient : IAsyncDisposable
{
    private readonly ServiceProvider _services;

    private TestClient(ServiceProvider services, CapturedLogs logs)
    {
        _services = services;
        Logs = logs;
        Client = services.GetRequiredService<MetricCollectorClient>();
    }

    public MetricCollectorClient Client { get; }

    public CapturedLogs Logs { get; }

    public static TestClient Create(
        Uri endpoint,
        Action<MetricCollectorClientOptions>? configure = null,
        Func<DelegatingHandler>? handler = null,
        Action<IHttpClientBuilder>? http = null,
        TimeProvider? time = null)
    {
        var logs = new CapturedLogs();
        var services = new ServiceCollection();
        if (time is not null)
        {
            services.AddSingleton(time);
        }

        services.AddLogging(logging => logging.AddProvider(logs).SetMinimumLevel(LogLevel.Debug));
        var builder = services.AddMetricCollectorClient(o =>
        {
            o.Endpoint = endpoint;
            o.FlushInterval = TimeSpan.FromHours(1);
            o.RetryDelay = TimeSpan.FromMilliseconds(10);
            o.MaxRetryDelay = TimeSpan.FromMilliseconds(100);
            o.CircuitBreakerBreakDuration = TimeSpan.FromMilliseconds(500);
            configure?.Invoke(o);
        });
        if (handler is not null)
        {
            builder.AddHttpMessageHandler(handler);
        }

        http?.Invoke(builder);

        return new TestClient(services.BuildServiceProvider(), logs);
    }

    public async ValueTask DisposeAsync() => await _services.DisposeAsync();
}
