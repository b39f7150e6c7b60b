using System.Collections.Concurrent;
using System.Diagnostics;
using MetricCollector.Gateway.Tests;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;

namespace MetricCollector.Client.Tests.Delivery;

public sealed class ShutdownTests : IDisposable
{
    private readonly FakeCollector _collector = new();

    public void Dispose() => _collector.Dispose();

    [Fact]
    public async Task Stopping_sends_what_is_buffered()
    {
        await using var test = TestClient.Create(_collector.Address);
        test.Client.Counter("jobs_total").Inc(7);
        test.Client.Histogram("step_seconds").Observe(0.25);

        await test.Client.StopAsync();

        Assert.Equal(2, Assert.Single(_collector.Batches).Records.Length);
        Assert.Equal(2, test.Client.Statistics.Sent);
    }

    /// <summary>
    /// A console tool or a test disposes its container without a host: the factory refuses new HttpClients while the
    /// container is disposed, so the final flush failed with ObjectDisposedException and the values were lost, and a
    /// container disposed with Dispose() threw, the client having only DisposeAsync (a reviewer's findings).
    /// </summary>
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Disposing_a_container_without_a_host_sends_what_is_buffered(bool asynchronously)
    {
        var logs = new CapturedLogs();
        var services = new ServiceCollection();
        services.AddLogging(logging => logging.AddProvider(logs).SetMinimumLevel(LogLevel.Debug));
        services.AddMetricCollectorClient(o =>
        {
            o.Endpoint = _collector.Address;
            o.FlushInterval = TimeSpan.FromHours(1);
        });
        var provider = services.BuildServiceProvider();
        var client = provider.GetRequiredService<MetricCollectorClient>();
        client.Counter("bare_total").Inc(5);
        client.Histogram("bare_seconds").Observe(1);

        if (asynchronously)
        {
            await provider.DisposeAsync();
        }
        else
        {
            provider.Dispose();
        }

        Assert.Equal(2, Assert.Single(_collector.Batches).Records.Length);
        Assert.Equal(2, client.Statistics.Sent);
        Assert.DoesNotContain(logs.Entries, e => e.Level >= LogLevel.Warning);
    }

    [Fact]
    public async Task Stopping_with_a_dead_collector_ends_at_the_deadline_and_counts_what_was_not_delivered()
    {
        using var dead = RefusedPort.Hold();
        await using var test = TestClient.Create(new Uri(dead.Url), o =>
        {
            o.ShutdownTimeout = TimeSpan.FromSeconds(1);
            o.MaxRetryAttempts = 100;
        });
        test.Client.Counter("jobs_total").Inc();
        test.Client.Gauge("pool_free").Set(2);
        test.Client.Histogram("step_seconds").Observe(0.1);
        test.Client.Histogram("step_seconds").Observe(0.2);

        await test.Client.StopAsync();

        Assert.Equal(4, test.Client.Statistics.Dropped);
        Assert.Contains("4 metric values not delivered", Assert.Single(test.Logs.WithEventId(7)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Dropped_counts_an_abandoned_counter_or_gauge_record_as_one_and_each_call_after_the_stop_as_one()
    {
        // The README's units: a counter sums its increments into one record and a gauge keeps its latest value, so
        // abandoned at shutdown each counts 1; an observation counts 1 each; after the stop every call counts 1.
        using var dead = RefusedPort.Hold();
        await using var test = TestClient.Create(new Uri(dead.Url), o => o.ShutdownTimeout = TimeSpan.Zero);
        var jobs = test.Client.Counter("jobs_total");
        var free = test.Client.Gauge("pool_free");
        var step = test.Client.Histogram("step_seconds");
        for (int i = 0; i < 5; i++)
        {
            jobs.Inc();
            free.Set(i);
        }

        jobs.Inc(2.5);
        step.Observe(0.1);
        step.Observe(0.2);

        await test.Client.StopAsync();
        Assert.Equal(4, test.Client.Statistics.Dropped);

        jobs.Inc();
        jobs.Inc(2.5);
        free.Set(1);
        step.Observe(0.3);
        Assert.Equal(8, test.Client.Statistics.Dropped);
    }

    [Fact]
    public async Task Stopping_behind_an_open_circuit_makes_no_further_attempt()
    {
        var attempts = new CountingHandler();
        using var dead = RefusedPort.Hold();
        await using var test = TestClient.Create(
            new Uri(dead.Url),
            o =>
            {
                o.MaxRetryAttempts = 1;
                o.CircuitBreakerMinimumThroughput = 2;
                o.CircuitBreakerBreakDuration = TimeSpan.FromMinutes(10);
                o.ShutdownTimeout = TimeSpan.FromMinutes(10);
            },
            () => attempts);
        test.Client.Counter("jobs_total").Inc();
        Assert.False(await test.Client.FlushAsync());
        int attemptsBeforeStop = attempts.Attempts;

        await test.Client.StopAsync();

        Assert.Equal(2, attemptsBeforeStop);
        Assert.Equal(attemptsBeforeStop, attempts.Attempts);
        Assert.Equal(1, test.Client.Statistics.Dropped);
        string logged = Assert.Single(test.Logs.WithEventId(7));
        Assert.Contains("circuit to the collector was open", logged, StringComparison.Ordinal);
        Assert.DoesNotContain("deadline", logged, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_cancelled_probe_of_the_half_open_circuit_keeps_it_open_so_stopping_makes_no_further_attempt()
    {
        // The client's clock is the test's: the break ends when the test says so, and never while the client stops.
        var time = new FakeTimeProvider();
        var attempts = new CountingHandler();
        _collector.Server.Given(Request.Create().WithPath("/record").UsingPost()).AtPriority(10).RespondWith(Response.Create().WithStatusCode(503));
        await using var test = TestClient.Create(
            _collector.Address,
            o =>
            {
                o.MaxRetryAttempts = 0;
                o.CircuitBreakerMinimumThroughput = 2;
                o.CircuitBreakerBreakDuration = TimeSpan.FromSeconds(30);
                o.AttemptTimeout = TimeSpan.FromMinutes(1);
                o.ShutdownTimeout = TimeSpan.FromMinutes(10);
            },
            () => attempts,
            time: time);
        test.Client.Counter("jobs_total").Inc();
        Assert.False(await test.Client.FlushAsync());
        Assert.False(await test.Client.FlushAsync());
        // Once the break is over, the next attempt is the half-open circuit's probe: it hangs, and is cancelled.
        time.Advance(TimeSpan.FromSeconds(31));
        _collector.Server.Given(Request.Create().WithPath("/record").UsingPost()).AtPriority(1)
            .RespondWith(Response.Create().WithStatusCode(202).WithDelay(TimeSpan.FromSeconds(5)));
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => test.Client.FlushAsync(cancel.Token));
        int attemptsBeforeStop = attempts.Attempts;

        await test.Client.StopAsync();

        Assert.Equal(3, attemptsBeforeStop);
        Assert.Equal(attemptsBeforeStop, attempts.Attempts);
        Assert.Empty(test.Logs.WithEventId(6));
        Assert.Contains("(last: 503 Service Unavailable)", Assert.Single(test.Logs.WithEventId(5)), StringComparison.Ordinal);
        Assert.Equal(1, test.Client.Statistics.Dropped);
        string logged = Assert.Single(test.Logs.WithEventId(7));
        Assert.Contains("circuit to the collector was open", logged, StringComparison.Ordinal);
        Assert.Contains("503 Service Unavailable", logged, StringComparison.Ordinal);
    }

    /// <summary>A client with a 0.5 s shutdown deadline, whose collector answers after <paramref name="delay"/>, within one attempt.</summary>
    private TestClient WithSlowCollector(TimeSpan delay)
    {
        _collector.Server.Given(Request.Create().WithPath("/record").UsingPost()).AtPriority(1)
            .RespondWith(Response.Create().WithStatusCode(202).WithDelay(delay));
        return TestClient.Create(_collector.Address, o =>
        {
            o.AttemptTimeout = delay * 2;
            o.ShutdownTimeout = TimeSpan.FromMilliseconds(500);
        });
    }

    [Fact]
    public async Task Stopping_while_the_collector_is_too_slow_says_the_shutdown_deadline_passed()
    {
        await using var test = WithSlowCollector(TimeSpan.FromSeconds(5));
        test.Client.Counter("jobs_total").Inc();

        await test.Client.StopAsync();

        Assert.Equal(1, test.Client.Statistics.Dropped);
        Assert.Contains("not delivered within the shutdown deadline of 0.5 s", Assert.Single(test.Logs.WithEventId(7)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Stopping_while_a_callers_flush_waits_on_a_slow_collector_ends_at_the_deadline_and_that_flush_answers_false()
    {
        // The caller's flush held the flush lock through its whole attempt: a review saw a 0.5 s ShutdownTimeout last 8 s.
        await using var test = WithSlowCollector(TimeSpan.FromSeconds(4));
        test.Client.Counter("jobs_total").Inc();
        var callersFlush = test.Client.FlushAsync();
        await Task.Delay(200);

        var stopping = Stopwatch.StartNew();
        await test.Client.StopAsync();
        stopping.Stop();

        Assert.True(stopping.Elapsed < TimeSpan.FromSeconds(3), $"the stop took {stopping.Elapsed.TotalSeconds:F1} s against the collector's 4 s");
        Assert.False(await callersFlush);
        Assert.Equal(1, test.Client.Statistics.Dropped);
    }

    [Fact]
    public async Task Flushes_racing_the_dispose_answer_and_never_throw()
    {
        // A review: a flush that passed the stopped check as the client was disposed threw ObjectDisposedException.
        var thrown = new ConcurrentBag<Exception>();
        for (int trial = 0; trial < 300 && thrown.IsEmpty; trial++)
        {
            var test = TestClient.Create(_collector.Address, o => o.ShutdownTimeout = TimeSpan.FromMilliseconds(20), handler: () => new Accepting());
            test.Client.Counter("jobs_total").Inc();
            bool done = false;
            var callers = Enumerable.Range(0, 2 * Environment.ProcessorCount).Select(_ => Task.Run(async () =>
            {
                while (!Volatile.Read(ref done))
                {
                    try
                    {
                        await test.Client.FlushAsync();
                    }
                    catch (Exception e)
                    {
                        thrown.Add(e);
                    }

                    // A flush that completes at once would otherwise hold the thread and starve the dispose.
                    await Task.Yield();
                }
            })).ToArray();
            await Task.Delay(Random.Shared.Next(0, 5));
            await test.DisposeAsync();
            await Task.Delay(2);
            Volatile.Write(ref done, true);
            await Task.WhenAll(callers);
        }

        Assert.Empty(thrown);
    }

    private sealed class Accepting : DelegatingHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            Task.FromResult(new HttpResponseMessage(System.Net.HttpStatusCode.Accepted) { Content = new StringContent("") });
    }

    [Fact]
    public async Task Disposing_during_a_stop_waits_for_it_and_the_stop_delivers_and_throws_nothing()
    {
        _collector.Server.Given(Request.Create().WithPath("/record").UsingPost()).AtPriority(1)
            .RespondWith(Response.Create().WithStatusCode(202).WithDelay(TimeSpan.FromSeconds(1)));
        var test = TestClient.Create(_collector.Address, o => o.ShutdownTimeout = TimeSpan.FromSeconds(10));
        test.Client.Counter("jobs_total").Inc(7);
        var stop = test.Client.StopAsync();
        await Task.Delay(100);

        await test.DisposeAsync();

        Assert.True(stop.IsCompleted, "the dispose returned before the stop it ran into");
        await stop;
        Assert.Equal(1, test.Client.Statistics.Sent);
        Assert.Equal(0, test.Client.Statistics.Dropped);
    }

    [Fact]
    public async Task Observations_after_stopping_are_dropped_and_counted_not_thrown()
    {
        await using var test = TestClient.Create(_collector.Address);
        await test.Client.StopAsync();

        test.Client.Histogram("step_seconds").Observe(1);
        await test.Client.StopAsync();

        Assert.Equal(1, test.Client.Statistics.Dropped);
        Assert.False(await test.Client.FlushAsync());
        Assert.Empty(_collector.Batches);
    }

    [Fact]
    public async Task Counter_increments_and_gauge_values_after_stopping_are_dropped_and_counted()
    {
        await using var test = TestClient.Create(_collector.Address);
        var jobs = test.Client.Counter("jobs_total");
        var free = test.Client.Gauge("pool_free");
        await test.Client.StopAsync();

        jobs.Inc();
        jobs.Inc(2);
        free.Set(3);
        await test.Client.StopAsync();

        Assert.Equal(3, test.Client.Statistics.Dropped);
        Assert.Empty(_collector.Batches);
    }

    [Fact]
    public async Task The_host_flushes_the_client_when_it_stops()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddMetricCollectorClient(o =>
        {
            o.Endpoint = _collector.Address;
            o.FlushInterval = TimeSpan.FromHours(1);
        });
        using var host = builder.Build();
        await host.StartAsync();
        host.Services.GetRequiredService<MetricCollectorClient>().Counter("jobs_total").Inc(3);

        await host.StopAsync();

        Assert.Equal(3, Assert.Single(Assert.Single(_collector.Batches).Records).GetProperty("value").GetDouble());
    }

    [Fact]
    public async Task A_worker_registered_after_the_client_stops_first_and_its_last_values_are_sent()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddMetricCollectorClient(o =>
        {
            o.Endpoint = _collector.Address;
            o.FlushInterval = TimeSpan.FromHours(1);
        });
        builder.Services.AddHostedService<RecordingWorker>();
        using var host = builder.Build();
        await host.StartAsync();

        await host.StopAsync();

        Assert.Equal(2, Assert.Single(Assert.Single(_collector.Batches).Records).GetProperty("value").GetDouble());
        Assert.Equal(0, host.Services.GetRequiredService<MetricCollectorClient>().Statistics.Dropped);
    }

    [Fact]
    public async Task Values_of_a_worker_that_stops_after_the_client_are_dropped_and_the_first_is_logged_once()
    {
        // Registered before the client, the worker stops after it: hosted services stop in reverse order.
        var logs = new CapturedLogs();
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.AddProvider(logs);
        builder.Services.AddHostedService<RecordingWorker>();
        builder.Services.AddMetricCollectorClient(o =>
        {
            o.Endpoint = _collector.Address;
            o.FlushInterval = TimeSpan.FromHours(1);
        });
        using var host = builder.Build();
        await host.StartAsync();

        await host.StopAsync();

        Assert.Empty(_collector.Batches);
        Assert.Equal(2, host.Services.GetRequiredService<MetricCollectorClient>().Statistics.Dropped);
        string logged = Assert.Single(logs.WithEventId(12));
        Assert.Contains("registered after AddMetricCollectorClient", logged, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_host_binds_the_client_from_configuration()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration["MetricCollectorClient:Endpoint"] = _collector.Address.ToString();
        builder.Configuration["MetricCollectorClient:BatchSize"] = "2";
        builder.Services.AddMetricCollectorClient();
        using var host = builder.Build();

        var options = host.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<MetricCollectorClientOptions>>().Value;

        Assert.Equal(_collector.Address, options.Endpoint);
        Assert.Equal(2, options.BatchSize);
    }

    [Fact]
    public async Task A_misspelled_client_setting_fails_the_hosts_start_naming_it()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration["MetricCollectorClient:Endpoint"] = _collector.Address.ToString();
        builder.Configuration["MetricCollectorClient:BatchSise"] = "2";
        builder.Services.AddMetricCollectorClient();
        using var host = builder.Build();

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => host.StartAsync());

        Assert.Contains("'BatchSise'", error.Message, StringComparison.Ordinal);
    }
}
