namespace MetricCollector.Gateway.Tests.Proxy;

public sealed class CommandLineTests
{
    [Fact]
    public void The_gateways_own_switches_are_taken_out_of_what_ASP_NET_reads()
    {
        var commandLine = GatewayCommandLine.Parse(["--urls", "http://127.0.0.1:8080", "--demo", "--proxy-config", "routes.json", "--Logging:LogLevel:Default=Debug"]);

        Assert.True(commandLine.Demo);
        Assert.Equal("routes.json", commandLine.ProxyConfigPath);
        Assert.Equal(["--urls", "http://127.0.0.1:8080", "--Logging:LogLevel:Default=Debug"], commandLine.Remaining);
        Assert.Equal("other.json", GatewayCommandLine.Parse(["--proxy-config=other.json"]).ProxyConfigPath);
    }

    [Fact]
    public async Task A_missing_proxy_config_file_stops_the_start_with_a_message_naming_it()
    {
        var error = await Assert.ThrowsAsync<GatewayStartupException>(() => RunningGateway.StartAsync("--proxy-config", "/nonexistent/routes.json"));

        Assert.Contains("/nonexistent/routes.json", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_proxy_config_file_that_is_not_json_stops_the_start_with_the_parsers_message()
    {
        string path = Path.Combine(Path.GetTempPath(), "proxy-config-" + Guid.NewGuid().ToString("N") + ".json");
        await File.WriteAllTextAsync(path, """{ "ReverseProxy": { "Routes": """);
        try
        {
            var error = await Assert.ThrowsAsync<GatewayStartupException>(() => RunningGateway.StartAsync("--proxy-config", path));

            Assert.Contains(path, error.Message, StringComparison.Ordinal);
            Assert.Contains("LineNumber", error.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void A_proxy_config_switch_without_a_file_is_explained()
    {
        var error = Assert.Throws<GatewayStartupException>(() => GatewayCommandLine.Parse(["--proxy-config"]));

        Assert.Contains("--proxy-config needs a file", error.Message, StringComparison.Ordinal);
    }
}
