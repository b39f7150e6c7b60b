using System.Globalization;
using System.Text.Json;
using MetricCollector.Client.Delivery;
using MetricCollector.Client.Series;
using Microsoft.Extensions.Time.Testing;

namespace MetricCollector.Client.Tests.Recording;

/// <summary>
/// A component that makes a series per sandbox held every series it ever made, about 385 B each, and refreshed them all
/// every minute: <see cref="MetricCollectorClient.Remove(CounterSeries)"/> forgets one.
/// </summary>
public sealed class RemoveTests : IAsyncLifetime
{
    private readonly FakeCollector _collector = new();
    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow);
    private TestClient _test = null!;

    private MetricCollectorClient Client => _test.Client;

    public Task InitializeAsync()
    {
        _test = TestClient.Create(_collector.Address, o => o.RefreshInterval = TimeSpan.FromMinutes(1), time: _time);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _test.DisposeAsync();
        _collector.Dispose();
    }

    [Fact]
    public async Task A_removed_counter_sends_what_it_held_then_is_never_refreshed_and_later_increments_count_as_dropped()
    {
        var ended = Client.Counter("jobs_total", Sandbox("a"));
        var running = Client.Counter("jobs_total", Sandbox("b"));
        ended.Inc();
        ended.Inc();
        running.Inc();

        Assert.True(Client.Remove(ended));
        ended.Inc();
        Assert.True(await Client.FlushAsync());
        _time.Advance(TimeSpan.FromMinutes(1));
        Assert.True(await Client.FlushAsync());

        Assert.Equal(["a=2 b=1", "b=0"], _collector.Batches.Select(batch => Describe(batch.Records)));
        Assert.Equal(new MetricCollectorClientStatistics(Sent: 3, Rejected: 0, Retried: 0, Dropped: 1), Client.Statistics);
    }

    [Fact]
    public async Task A_removed_gauge_is_not_refreshed_and_asking_for_it_again_makes_a_new_series_that_is()
    {
        var before = Client.Gauge("pool_free", Sandbox("a"));
        before.Set(3);
        Assert.True(await Client.FlushAsync());

        Assert.True(Client.Remove(before));
        var again = Client.Gauge("pool_free", Sandbox("a"));
        before.Set(7);
        again.Set(5);
        Assert.True(await Client.FlushAsync());
        _time.Advance(TimeSpan.FromMinutes(1));
        Assert.True(await Client.FlushAsync());

        Assert.NotSame(before, again);
        Assert.Equal(["a=3", "a=5", "a=5"], _collector.Batches.Select(batch => Describe(batch.Records)));
        Assert.Equal(1, Client.Statistics.Dropped);
    }

    [Fact]
    public async Task A_removed_histogram_sends_the_observations_it_buffered_and_drops_later_ones()
    {
        var latency = Client.Histogram("step_seconds", labels: Sandbox("a"));
        latency.Observe(0.1);
        latency.Observe(0.2);

        Assert.True(Client.Remove(latency));
        latency.Observe(0.3);
        Assert.True(await Client.FlushAsync());

        var record = Assert.Single(Assert.Single(_collector.Batches).Records);
        Assert.Equal([0.1, 0.2], record.GetProperty("values").EnumerateArray().Select(value => value.GetDouble()));
        Assert.Equal(1, Client.Statistics.Dropped);
    }

    [Fact]
    public async Task Remove_is_false_for_a_series_removed_before_or_made_by_another_client()
    {
        await using var other = TestClient.Create(_collector.Address);
        var mine = Client.Counter("jobs_total");
        var theirs = other.Client.Counter("jobs_total");

        Assert.False(Client.Remove(theirs));
        Assert.True(Client.Remove(mine));
        Assert.False(Client.Remove(mine));
        Assert.True(other.Client.Remove(theirs));
    }

    [Fact]
    public void Removed_counters_and_gauges_leave_the_client_once_their_last_values_are_taken()
    {
        var (_, registry, writer) = ClientParts.Create(bufferCapacity: 10);
        var series = new List<(SeriesDefinition, object)>();
        for (int i = 0; i < 1000; i++)
        {
            var counter = registry.Counter("jobs_total", Sandbox(i.ToString(CultureInfo.InvariantCulture)), null);
            var gauge = registry.Gauge("pool_free", Sandbox(i.ToString(CultureInfo.InvariantCulture)), null);
            counter.Inc();
            gauge.Set(i);
            series.Add((counter.Definition, counter));
            series.Add((gauge.Definition, gauge));
        }

        foreach (var (definition, handle) in series)
        {
            Assert.True(registry.Remove(definition, handle));
        }

        var last = writer.Drain(refresh: true);

        Assert.Equal(2000, last.Sum(batch => batch.Series.Count));
        Assert.Equal(0, registry.Counters.Length);
        Assert.Equal(0, registry.Gauges.Length);
        Assert.Empty(writer.Drain(refresh: true));
    }

    [Fact]
    public async Task Increments_racing_with_the_removal_and_with_flushes_are_each_either_sent_or_counted_as_dropped()
    {
        const int Series = 200;
        var handles = new CounterSeries[Series];
        for (int i = 0; i < Series; i++)
        {
            handles[i] = Client.Counter("jobs_total", Sandbox(i.ToString(CultureInfo.InvariantCulture)));
        }

        using var go = new Barrier(4);
        long increments = 0;
        bool removed = false;
        var writers = Enumerable.Range(0, 2).Select(_ => Task.Run(() =>
        {
            go.SignalAndWait();
            // Until every series is removed, and one pass more: increments land before, during and after the removals.
            bool last = false;
            while (!last)
            {
                last = Volatile.Read(ref removed);
                foreach (var handle in handles)
                {
                    handle.Inc();
                }

                Interlocked.Add(ref increments, Series);
            }
        })).ToArray();
        var remover = Task.Run(() =>
        {
            go.SignalAndWait();
            foreach (var handle in handles)
            {
                Assert.True(Client.Remove(handle));
                Thread.Yield();
            }

            Volatile.Write(ref removed, true);
        });
        var flusher = Task.Run(async () =>
        {
            go.SignalAndWait();
            while (!remover.IsCompleted)
            {
                Assert.True(await Client.FlushAsync());
            }
        });
        await Task.WhenAll([.. writers, remover, flusher]);
        Assert.True(await Client.FlushAsync());

        double sent = _collector.Batches.SelectMany(batch => batch.Records).Sum(record => record.GetProperty("value").GetDouble());
        Assert.Equal(increments, sent + Client.Statistics.Dropped);
        Assert.True(Client.Statistics.Dropped >= 2 * Series, "each writer's last pass, after every removal, is dropped");
    }

    [Fact]
    public async Task Increments_made_before_the_removal_are_sent_while_other_threads_race_it()
    {
        // A review's probe: an increment straddling the removal took back everything the counter held, those made
        // before the removal too, and counted them dropped (175 of 300 trials short).
        const int Trials = 300;
        const int Before = 1000;
        int shortTrials = 0;
        for (int trial = 0; trial < Trials; trial++)
        {
            var (counters, registry, writer) = ClientParts.Create(bufferCapacity: 10);
            var counter = registry.Counter("jobs_total", Sandbox("x"), null);
            for (int i = 0; i < Before; i++)
            {
                counter.Inc();
            }

            bool stop = false;
            long racing = 0;
            using var go = new Barrier(3);
            var racers = Enumerable.Range(0, 2).Select(_ => Task.Run(() =>
            {
                go.SignalAndWait();
                long mine = 0;
                while (!Volatile.Read(ref stop))
                {
                    counter.Inc();
                    mine++;
                }

                Interlocked.Add(ref racing, mine);
            })).ToArray();
            go.SignalAndWait();
            Thread.SpinWait(2000);
            Assert.True(registry.Remove(counter.Definition, counter));
            var last = writer.Drain();
            Volatile.Write(ref stop, true);
            await Task.WhenAll(racers);

            double sent = last.SelectMany(batch => JsonDocument.Parse(batch.Body).RootElement.EnumerateArray().ToArray())
                .Sum(record => record.GetProperty("value").GetDouble());
            if (sent < Before)
            {
                shortTrials++;
            }

            Assert.Equal(Before + racing, sent + counters.Dropped);
        }

        Assert.Equal(0, shortTrials);
    }

    private static Dictionary<string, string> Sandbox(string id) => new() { ["sandbox"] = id };

    /// <summary>"a=2 b=1": each record's sandbox label and value, in the batch's order.</summary>
    private static string Describe(JsonElement[] records) => string.Join(' ', records.Select(record =>
        $"{record.GetProperty("labels").GetProperty("sandbox").GetString()}={record.GetProperty("value").GetDouble().ToString(CultureInfo.InvariantCulture)}"));
}
