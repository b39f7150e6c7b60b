using MetricCollector.Gateway;

try
{
    await (await GatewayApplication.BuildAsync(args)).RunAsync();
    return 0;
}
catch (GatewayStartupException ex)
{
    await Console.Error.WriteLineAsync("metric-collector gateway: " + ex.Message);
    return 2;
}
