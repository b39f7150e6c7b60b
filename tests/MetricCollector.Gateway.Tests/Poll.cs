namespace MetricCollector.Gateway.Tests;

/// <summary>Waits for something that happens in the background (a health probe, a file reload, a scrape).</summary>
internal static class Poll
{
    /// <summary>Evaluates <paramref name="condition"/> every 200 ms until it holds or 30 s have passed; returns whether it held.</summary>
    public static async Task<bool> UntilAsync(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            if (await condition())
            {
                return true;
            }

            await Task.Delay(200);
        }

        return await condition();
    }
}
