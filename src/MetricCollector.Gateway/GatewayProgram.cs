namespace MetricCollector.Gateway;

/// <summary>The process: runs the gateway until it is stopped; a start-up problem is one line on standard error and exit code 2.</summary>
internal static class GatewayProgram
{
    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error)
    {
        try
        {
            if (GatewayCommandLine.Parse(args).Help)
            {
                await output.WriteLineAsync(GatewayCommandLine.Usage);
                return 0;
            }

            await using var app = await GatewayApplication.StartAsync(args);
            await app.WaitForShutdownAsync();
            return 0;
        }
        catch (GatewayStartupException ex)
        {
            await error.WriteLineAsync("metric-collector gateway: " + ex.Message);
            return 2;
        }
    }
}
