using System.Net;
using System.Net.Sockets;
using MetricCollector.Gateway.Tests.Hosting;

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

    [Theory]
    [InlineData("--help")]
    [InlineData("-h")]
    public async Task Help_prints_the_options_and_exits_0_without_starting_anything(string help)
    {
        // The port is taken: had the gateway started, it would have ended with exit code 2.
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        using var output = new StringWriter();
        using var error = new StringWriter();

        int code = await GatewayProgram.RunAsync([help, "--urls=http://127.0.0.1:" + ((IPEndPoint)listener.LocalEndpoint).Port], output, error)
            .WaitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(0, code);
        Assert.Equal("", error.ToString());
        foreach (string option in new[] { "--urls <url>", "--proxy-config <file>", "--demo", "--Section:Key=value", "--help" })
        {
            Assert.Contains(option, output.ToString(), StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("--frobnicate", "'--frobnicate'")]
    [InlineData("--proxy-confg", "'--proxy-confg'")]
    [InlineData("--Demo", "did you mean --demo")]
    [InlineData("--Proxy-Config=x.json", "did you mean --proxy-config")]
    [InlineData("foo", "'foo'")]
    [InlineData("-x", "'-x'")]
    [InlineData("frob=1", "'frob=1'")]
    public void An_argument_that_is_neither_a_switch_nor_a_setting_stops_the_start_naming_it(string argument, string named)
    {
        var error = Assert.Throws<GatewayStartupException>(() => GatewayCommandLine.Parse([argument, "--urls=http://127.0.0.1:5611"]));

        Assert.Contains(named, error.Message, StringComparison.Ordinal);
        Assert.Contains("--help", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_hosts_shutdownTimeoutSeconds_is_refused_for_the_setting_that_decides_the_shutdown_deadline()
    {
        // The host's deadline is Gateway:Server:ShutdownDelay + ShutdownTimeout; shutdownTimeoutSeconds would be ignored.
        var error = Assert.Throws<GatewayStartupException>(() => GatewayCommandLine.Parse(["--shutdownTimeoutSeconds=5"]));

        Assert.Contains("Gateway:Server:ShutdownTimeout", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_wrong_case_switch_is_answered_with_a_question_not_a_question_mark_and_a_full_stop()
    {
        var error = Assert.Throws<GatewayStartupException>(() => GatewayCommandLine.Parse(["--Demo"]));

        Assert.Equal("Unknown argument '--Demo': did you mean --demo? See --help.", error.Message);
    }

    [Fact]
    public async Task An_unknown_switch_ends_the_process_with_exit_code_2_rather_than_swallowing_the_next_argument()
    {
        var (code, error) = await StartupFailureTests.RunAsync("--frobnicate", "--urls=http://127.0.0.1:0");

        Assert.Equal(2, code);
        StartupFailureTests.AssertOneLine(error, "'--frobnicate'");
    }

    [Fact]
    public void Settings_in_every_form_ASP_NET_reads_and_its_host_keys_pass_through()
    {
        string[] args =
        [
            "--urls", "http://127.0.0.1:8080", "--URLS=http://127.0.0.1:8081", "--environment", "Development", "--contentRoot=/tmp",
            "--Logging:LogLevel:Default=Debug", "--MetricCollector:MaxSeries", "5", "/Gateway:Auth:RequireForMetrics=true",
            "MetricCollector:MaxBatchSize=10", "--AllowedHosts=*",
        ];

        Assert.Equal(args, GatewayCommandLine.Parse(args).Remaining);
    }
}
