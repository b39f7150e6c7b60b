using System.Globalization;
using CsCheck;
using MetricCollector.Exposition;

namespace MetricCollector.Tests.Collector;

/// <summary>
/// Pushed counters and gauges are written in the order their series were created, from a roster kept beside the
/// series dictionary, rebuilt as series come and go. Whatever the churn, a scrape shows each live series once, in
/// creation order, and no removed one; scrapes racing with creation and removal never lose a series that stays.
/// </summary>
public sealed class SeriesRosterTests
{
    [Fact]
    public async Task After_any_sequence_of_creations_and_deletions_each_live_series_appears_once_in_creation_order()
    {
        // Operations: create (or update) series k, or delete series k; enough of them to grow and compact the roster.
        var operations = Gen.Select(Gen.Bool, Gen.Int[0, 40]).Array[1, 400];
        await operations.SampleAsync(async steps =>
        {
            var collector = TestCollector.Create();
            var expected = new List<string>();
            foreach (var (create, key) in steps)
            {
                string label = "k" + key.ToString(CultureInfo.InvariantCulture);
                if (create)
                {
                    Assert.True((await collector.RecordAsync(TestCollector.Counter("churn", 1, ("k", label)))).IsAccepted);
                    if (!expected.Contains(label))
                    {
                        expected.Add(label);
                    }
                }
                else if (collector.Delete("churn", TestCollector.Labels(("k", label))) == 1)
                {
                    expected.Remove(label);
                }
            }

            foreach (var format in new[] { MetricsFormat.PrometheusText, MetricsFormat.OpenMetrics })
            {
                Assert.Equal(expected, SeriesOf(await collector.ExposeAsync(format)));
            }
        }, iter: 300, threads: 1);
    }

    [Fact]
    public async Task Scrapes_racing_with_creation_and_removal_show_every_lasting_series_exactly_once()
    {
        var collector = TestCollector.Create();
        for (int i = 0; i < 200; i++)
        {
            await collector.RecordAsync(TestCollector.Counter("churn", 1, ("k", "lasting" + i.ToString(CultureInfo.InvariantCulture))));
        }

        using var stop = new CancellationTokenSource();
        var churn = Task.Run(async () =>
        {
            // Short-lived series created and deleted in waves, so that the roster grows and is compacted under the scrapes.
            for (int round = 0; !stop.IsCancellationRequested; round++)
            {
                for (int i = 0; i < 300; i++)
                {
                    await collector.RecordAsync(TestCollector.Counter("churn", 1, ("k", "brief" + i.ToString(CultureInfo.InvariantCulture))));
                }

                for (int i = 0; i < 300; i++)
                {
                    collector.Delete("churn", TestCollector.Labels(("k", "brief" + i.ToString(CultureInfo.InvariantCulture))));
                }
            }
        });

        for (int scrape = 0; scrape < 200; scrape++)
        {
            var series = SeriesOf(await collector.ExposeAsync(scrape % 2 == 0 ? MetricsFormat.PrometheusText : MetricsFormat.OpenMetrics));
            Assert.Equal(series.Count, series.Distinct(StringComparer.Ordinal).Count());
            Assert.Equal(200, series.Count(s => s.StartsWith("lasting", StringComparison.Ordinal)));
        }

        await stop.CancelAsync();
        await churn;
    }

    private static List<string> SeriesOf(string exposition)
    {
        var series = new List<string>();
        foreach (string line in exposition.Split('\n'))
        {
            if (line.StartsWith("churn_total{k=\"", StringComparison.Ordinal))
            {
                int start = "churn_total{k=\"".Length;
                series.Add(line[start..line.IndexOf('"', start)]);
            }
        }

        return series;
    }
}
