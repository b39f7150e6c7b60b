using MetricCollector.Collector;
using MetricCollector.Exposition;

namespace MetricCollector.Tests.Exposition;

/// <summary>
/// Scrapes a collector while other threads observe 1s and 2s into a histogram with buckets [1, 2] in two series, and
/// asserts every scrape shows each series as one set of observations: le="1" &lt;= le="2" == le="+Inf" == _count, and
/// _sum == le1 * 1 + (le2 - le1) * 2 exactly (small integers are exact doubles).
/// </summary>
internal static class HistogramRace
{
    /// <summary>
    /// Scrapes, alternating the formats, until 200 scrapes have seen series "0" move (so many were taken while
    /// observations landed), then stops the observers.
    /// </summary>
    /// <param name="collector">The collector the observers write to.</param>
    /// <param name="name">The histogram's name.</param>
    /// <param name="labels">The label part of series "0" or "1" without braces, e.g. <c>w="0"</c>.</param>
    /// <param name="stop">Cancelled when done, to stop the observers.</param>
    /// <param name="observers">The observing tasks, awaited at the end.</param>
    public static async Task AssertEveryScrapeConsistentAsync(PrometheusMetricCollector collector, string name, Func<string, string> labels, CancellationTokenSource stop, Task[] observers)
    {
        int moved = 0;
        double previous = 0;
        var deadline = DateTime.UtcNow.AddSeconds(60);
        try
        {
            for (int scrape = 0; moved < 200 && DateTime.UtcNow < deadline; scrape++)
            {
                var format = scrape % 2 == 0 ? MetricsFormat.PrometheusText : MetricsFormat.OpenMetrics;
                string one = format == MetricsFormat.OpenMetrics ? "1.0" : "1";
                string two = format == MetricsFormat.OpenMetrics ? "2.0" : "2";
                var samples = TestCollector.Samples(await collector.ExposeAsync(format));
                foreach (string w in new[] { "0", "1" })
                {
                    string series = labels(w);
                    double count = samples[$"{name}_count{{{series}}}"];
                    double le1 = samples[$"{name}_bucket{{{series},le=\"{one}\"}}"];
                    double le2 = samples[$"{name}_bucket{{{series},le=\"{two}\"}}"];
                    double inf = samples[$"{name}_bucket{{{series},le=\"+Inf\"}}"];
                    double sum = samples[$"{name}_sum{{{series}}}"];
                    Assert.True(le1 <= le2 && le2 == inf && inf == count && sum == (le1 * 1) + ((le2 - le1) * 2), $"torn: le1 {le1}, le2 {le2}, +Inf {inf}, count {count}, sum {sum}");
                    if (w == "0" && count != previous)
                    {
                        moved++;
                        previous = count;
                    }
                }
            }

        }
        finally
        {
            // Also when an assertion fails: observers left spinning would starve every later test.
            await stop.CancelAsync();
        }

        await Task.WhenAll(observers);
        Assert.True(moved >= 200, $"only {moved} scrapes saw observations land");
    }
}
