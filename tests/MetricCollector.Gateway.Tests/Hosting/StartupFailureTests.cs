using System.Net;
using System.Net.Sockets;
using MetricCollector.Gateway.Hosting;
using MetricCollector.Gateway.Security;
using Microsoft.Extensions.Configuration;

namespace MetricCollector.Gateway.Tests.Hosting;

/// <summary>
/// A setting the gateway cannot start with ends the process with exit code 2 and one line on standard error naming the
/// setting and what is allowed: no crash, no stack trace.
/// </summary>
public sealed class StartupFailureTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("startup-failure-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Theory]
    [InlineData("--MetricCollector:MaxSeries=0", "MetricCollector:MaxSeries", "between 1 and 10000000")]
    [InlineData("--MetricCollector:MaxBodyBytes=abc", "MetricCollector:MaxBodyBytes", "a whole number")]
    [InlineData("--Gateway:Auth:RequireForMetrics=yes", "Gateway:Auth:RequireForMetrics", "true or false")]
    [InlineData("--Gateway:Auth:Keys:0:Key=short", "Gateway:Auth:Keys:0 (no component)", "shorter than 16")]
    [InlineData("--Gateway:Auth:Keys:0:ComponentId=router", "Gateway:Auth:Keys:0 (router) has no key", "Gateway:Auth:Keys:0:Key")]
    [InlineData("--MetricCollector:SeriesTimeToLive=60", "MetricCollector:SeriesTimeToLive", "00:00:10 for 10 seconds")]
    [InlineData("--Gateway:Server:KeepAliveTimeout=abc", "Gateway:Server:KeepAliveTimeout", "00:00:10 for 10 seconds")]
    [InlineData("--Gateway:Server:ShutdownDelay=-00:00:01", "Gateway:Server:ShutdownDelay", "between 00:00:00 and")]
    [InlineData("--Gateway:Server:InlineScheduling=yes", "Gateway:Server:InlineScheduling", "true or false")]
    [InlineData("--Gateway:Server:MinBodyDataRateGracePeriod=00:00:01", "Gateway:Server:MinBodyDataRateGracePeriod", "between 00:00:02 and")]
    [InlineData("--urls=notaurl", "--urls", "'notaurl'")]
    [InlineData("--urls=http://127.0.0.1:99999", "http://127.0.0.1:99999", "0 to 65535")]
    [InlineData("--ReverseProxy:Clusters:request-router:Destinations:d1:Address=not-a-url", "cluster 'request-router'", "destination 'd1'", "absolute http or https URL")]
    [InlineData("--ReverseProxy:Routes:router:Timeout=00:00:30", "ReverseProxy:Routes:router:Timeout", "route 'router'", "ActivityTimeout")]
    [InlineData("--ReverseProxy:Routes:router:TimeoutPolicy=slow", "ReverseProxy:Routes:router:TimeoutPolicy", "request timeouts")]
    [InlineData("--ReverseProxy:Routes:mcp:CorsPolicy=default", "ReverseProxy:Routes:mcp:CorsPolicy", "CORS")]
    [InlineData("--ReverseProxy:Routes:mcp:RateLimiterPolicy=default", "ReverseProxy:Routes:mcp:RateLimiterPolicy", "would do nothing")]
    [InlineData("--ReverseProxy:Routes:mcp:CorsPolicy=disable", "ReverseProxy:Routes:mcp:CorsPolicy", "CORS")]
    [InlineData("--ReverseProxy:Routes:mcp:OutputCachePolicy=default", "ReverseProxy:Routes:mcp:OutputCachePolicy", "would do nothing")]
    [InlineData("--ReverseProxy:Routes:router:AuthorizationPolicy=default", "ReverseProxy:Routes:router:AuthorizationPolicy", "route 'router'", "no authentication", "\"Anonymous\"")]
    [InlineData("--MetricCollector:DefaultBuckets=0.1,0.5", "MetricCollector:DefaultBuckets", "MetricCollector:DefaultBuckets:0=0.1")]
    [InlineData("--Gateway:Mcp:AllowedTools:0=bad name!", "Gateway:Mcp:AllowedTools:0", "letters, digits")]
    [InlineData("--Gateway:Auth:Keys=abc", "Gateway:Auth:Keys:0:Key=abc", "Gateway__Auth__Keys__0__Key")]
    [InlineData("--Gateway:Auth:Keys:0=abcdefghijklmnopqrs", "Gateway:Auth:Keys:0 is a key object, not a value", "Gateway:Auth:Keys:0:Key=", "Gateway__Auth__Keys__0__Key")]
    [InlineData("--Gateway:Mcp:AllowedTools:0:x=search", "Gateway:Mcp:AllowedTools:0 is a value, it has no setting 'x'")]
    [InlineData("--Gateway:Server=5", "Gateway:Server is a section, not a value", "Gateway:Server:<setting>=")]
    [InlineData("--MetricCollector:DefaultBuckets:0:a=1", "MetricCollector:DefaultBuckets:0 is a number, it has no setting 'a'")]
    [InlineData("--Gateway:Auth:Keys:0:Roles:0:x=Admin", "Gateway:Auth:Keys:0:Roles:0 is a role, it has no setting 'x'")]
    [InlineData("--MetricCollector:MaxSeries:a=1", "MetricCollector:MaxSeries is a whole number, it has no setting 'a'")]
    [InlineData("--MetricCollector:MaxSerie=5", "MetricCollector has no setting 'MaxSerie'", "check its spelling")]
    [InlineData("--Gateway:Server:ShutdownDelai=00:00:05", "Gateway:Server has no setting 'ShutdownDelai'", "check its spelling")]
    [InlineData("--Gateway:Instrumentation:DurationBucket:0=1", "Gateway:Instrumentation has no setting 'DurationBucket'", "check its spelling")]
    [InlineData("--Gateway:Mcp:MaxTool=3", "Gateway:Mcp has no setting 'MaxTool'", "check its spelling")]
    [InlineData("--Gateway:Sever:ShutdownDelay=00:00:05", "Gateway:Sever is not a setting", "Server, Instrumentation, Mcp, Auth")]
    public async Task A_bad_setting_ends_the_start_with_exit_code_2_and_one_line_naming_it(string argument, params string[] expected)
    {
        var (code, error) = await RunAsync(argument);

        Assert.Equal(2, code);
        AssertOneLine(error, expected);
    }

    /// <summary>
    /// A review: the binder packs keys written with gaps or names into a list, and a key was named by its place there
    /// (Keys:1), so following the message's advice added a new key and left the broken one.
    /// </summary>
    [Theory]
    [InlineData("--Gateway:Auth:Keys:5:Key=short", "Gateway:Auth:Keys:5 (no component) is shorter than 16")]
    [InlineData("--Gateway:Auth:Keys:7:ComponentId=x", "Gateway:Auth:Keys:7 (x) has no key: give Gateway:Auth:Keys:7:Key")]
    [InlineData("--Gateway:Auth:Keys:second:Key=short", "Gateway:Auth:Keys:second (no component) is shorter than 16")]
    public async Task A_configured_key_is_named_by_the_path_it_was_written_at(string argument, string expected)
    {
        var (code, error) = await RunAsync("--Gateway:Auth:Keys:0:Key=first-key-0123456789", argument);

        Assert.Equal(2, code);
        AssertOneLine(error, expected);
    }

    /// <summary>The environment's form of a setting (<c>__</c> for <c>:</c>) is the same setting, refused the same way.</summary>
    [Theory]
    [InlineData("Gateway__Auth__Keys__0", "abcdefghijklmnopqrs", "Gateway:Auth:Keys:0 is a key object, not a value", "Gateway__Auth__Keys__0__Key")]
    [InlineData("Gateway__Mcp__AllowedTools__0__x", "search", "Gateway:Mcp:AllowedTools:0 is a value, it has no setting 'x'")]
    [InlineData("Gateway__Server", "5", "Gateway:Server is a section, not a value")]
    [InlineData("Gateway", "5", "Gateway is a section, not a value")]
    public async Task A_bad_setting_from_the_environment_ends_the_process_with_exit_code_2_and_one_line_naming_it(string variable, string value, params string[] expected)
    {
        var (code, _, error) = await GatewayProcess.RunAsync(
            new Dictionary<string, string?> { [variable] = value }, "--urls=http://127.0.0.1:0");

        Assert.Equal(2, code);
        AssertOneLine(error, expected);
    }

    /// <summary>
    /// The binder wraps a value it cannot convert inside a list ("'ErrorOnUnknownConfiguration' was set and binding has
    /// failed"): the setting is named all the same, should a shape slip past ConfigurationShape.
    /// </summary>
    [Fact]
    public void A_conversion_failure_the_binder_wraps_is_explained_naming_the_setting()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Gateway:Auth:Keys:0"] = "abcdefghijklmnopqrs" })
            .Build();
        var thrown = Assert.ThrowsAny<InvalidOperationException>(() =>
            configuration.GetSection("Gateway:Auth").Get<GatewayAuthOptions>(binder => binder.ErrorOnUnknownConfiguration = true));

        string? explained = StartupFailure.Explain(thrown, configuration, "proxy-config.json");

        Assert.Equal(
            "Gateway:Auth:Keys:0 is a key object, not a value: give Gateway:Auth:Keys:0:Key=... (environment Gateway__Auth__Keys__0__Key).",
            explained);
    }

    [Fact]
    public async Task A_snapshot_path_that_is_a_directory_or_in_a_missing_directory_ends_the_start()
    {
        var (directoryCode, directoryError) = await RunAsync("--MetricCollector:SnapshotPath=" + _directory);
        string missing = Path.Combine(_directory, "nope", "snapshot.bin");
        var (missingCode, missingError) = await RunAsync("--MetricCollector:SnapshotPath=" + missing);

        Assert.Equal(2, directoryCode);
        AssertOneLine(directoryError, "MetricCollector:SnapshotPath", "is a directory");
        Assert.Equal(2, missingCode);
        AssertOneLine(missingError, "MetricCollector:SnapshotPath", Path.Combine(_directory, "nope"), "does not exist");
    }

    [Fact]
    public async Task An_address_given_twice_in_urls_is_named_as_given_twice_not_as_held_by_another_process()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        string address = "http://127.0.0.1:" + ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();

        var (code, error) = await RunAsync("--urls=" + address + ";" + address + "/");

        Assert.Equal(2, code);
        AssertOneLine(error, "names " + address + "/ twice", "list each address once");
    }

    [Fact]
    public async Task A_port_held_elsewhere_is_named_as_held_though_another_address_is_given_twice()
    {
        using var held = new TcpListener(IPAddress.Loopback, 0);
        held.Start();
        string heldAddress = "http://127.0.0.1:" + ((IPEndPoint)held.LocalEndpoint).Port;
        using var free = new TcpListener(IPAddress.Loopback, 0);
        free.Start();
        string repeated = "http://127.0.0.1:" + ((IPEndPoint)free.LocalEndpoint).Port;
        free.Stop();

        var (code, error) = await RunAsync("--urls=" + heldAddress + ";" + repeated + ";" + repeated);

        Assert.Equal(2, code);
        AssertOneLine(error, heldAddress, "in use", "Stop what holds the port");
    }

    [Fact]
    public async Task A_port_in_use_ends_the_start_with_exit_code_2_naming_the_address()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        string address = "http://127.0.0.1:" + ((IPEndPoint)listener.LocalEndpoint).Port;

        var (code, error) = await RunAsync("--urls=" + address);

        Assert.Equal(2, code);
        AssertOneLine(error, address, "in use");
    }

    /// <summary>
    /// Kestrel's failures to bind reach the host, which logs them ("Hosting failed to start", with the stack trace) to
    /// the console before the gateway explains them: the operator should see only the one line.
    /// </summary>
    [Fact]
    public async Task A_port_in_use_ends_the_process_with_one_line_and_no_stack_trace_on_either_stream()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        string address = "http://127.0.0.1:" + ((IPEndPoint)listener.LocalEndpoint).Port;

        var (code, output, error) = await GatewayProcess.RunAsync("--urls=" + address);

        Assert.Equal(2, code);
        AssertOneLine(error, address, "in use");
        AssertNoFailureLogged(output);
    }

    /// <summary>
    /// With <c>--demo</c>, the demo's traffic service waits for the gateway to start; the host that failed to start is
    /// disposed, which cancels that wait, and a cancelled background service the host was not asked to stop is logged
    /// as faulted ("BackgroundService failed", with its stack trace), and as stopping the host.
    /// </summary>
    [Fact]
    public async Task A_demo_start_on_a_port_in_use_ends_the_process_with_one_line_and_no_stack_trace_on_either_stream()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        string address = "http://127.0.0.1:" + ((IPEndPoint)listener.LocalEndpoint).Port;

        var (code, output, error) = await GatewayProcess.RunAsync("--demo", "--urls=" + address);

        Assert.Equal(2, code);
        AssertOneLine(error, address, "in use");
        AssertNoFailureLogged(output);
    }

    [Fact]
    public async Task An_address_that_is_not_a_url_ends_the_process_with_one_line_and_no_stack_trace_on_either_stream()
    {
        var (code, output, error) = await GatewayProcess.RunAsync("--urls=notaurl");

        Assert.Equal(2, code);
        AssertOneLine(error, "--urls", "'notaurl'");
        AssertNoFailureLogged(output);
    }

    /// <summary>A failure the gateway cannot explain keeps the host's log entry: its stack trace is the only clue.</summary>
    [Fact]
    public async Task A_start_failure_that_is_no_setting_still_logs_the_hosts_entry_with_its_stack_trace()
    {
        // 192.0.2.1 (TEST-NET-1) is no address of this machine: Kestrel's bind fails with a bare SocketException,
        // which StartupFailure does not explain.
        var (code, output, error) = await GatewayProcess.RunAsync("--urls=http://192.0.2.1:5000");

        Assert.NotEqual(0, code);
        Assert.NotEqual(2, code);
        Assert.Contains("Hosting failed to start", output, StringComparison.Ordinal);
        Assert.Contains("SocketException", output, StringComparison.Ordinal);
        Assert.Contains("   at ", output, StringComparison.Ordinal);
        Assert.Contains("SocketException", error, StringComparison.Ordinal);
    }

    /// <summary>
    /// <c>--demo</c> starts the stand-ins before the gateway; a start that then fails stops them too (an embedding host
    /// or a test that goes on would otherwise keep three servers, their ports and their threads).
    /// </summary>
    [Fact]
    public async Task A_demo_start_that_fails_on_a_port_in_use_stops_the_stand_ins()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();

        await AssertStandInsStoppedAfterFailedStartAsync("--urls=http://127.0.0.1:" + ((IPEndPoint)listener.LocalEndpoint).Port);
    }

    [Fact]
    public async Task A_demo_start_that_fails_on_a_bad_setting_stops_the_stand_ins() =>
        await AssertStandInsStoppedAfterFailedStartAsync("--urls=http://127.0.0.1:0", "--MetricCollector:MaxSeries=0");

    [Fact]
    public async Task A_keys_file_with_a_null_key_ends_the_start_naming_the_file_and_the_key()
    {
        string file = Path.Combine(_directory, "keys.json");
        await File.WriteAllTextAsync(file, """[{"key":null,"componentId":"x"}]""");

        var (code, error) = await RunAsync("--Gateway:Auth:KeysFile=" + file);

        Assert.Equal(2, code);
        AssertOneLine(error, file, "key 0");
    }

    /// <summary>
    /// The keys file's keys follow the configured ones in one list: a key of the file is named by the file and its
    /// index there, not by its place in that list ("key 3"), and one without "key" is said to have none, not to be
    /// shorter than 16 characters.
    /// </summary>
    [Theory]
    [InlineData("""{"componentId":"x","roles":["Record"]}""", "key 1 ($[1])", "has no \"key\"", "shorter")]
    [InlineData("""{"key":"short","componentId":"x"}""", "key 1 ($[1]) (x)", "shorter than 16", "key 3")]
    public async Task A_keys_file_key_after_configured_keys_is_named_by_the_file_and_its_index_there(string entry, string named, string problem, string notSaid)
    {
        string file = Path.Combine(_directory, "keys.json");
        await File.WriteAllTextAsync(file, $$"""[{"key":"fileKey-0123456789abc"},{{entry}}]""");

        var (code, error) = await RunAsync(
            "--Gateway:Auth:KeysFile=" + file, "--Gateway:Auth:Keys:0:Key=config-key-0-0123456789", "--Gateway:Auth:Keys:1:Key=config-key-1-0123456789");

        Assert.Equal(2, code);
        AssertOneLine(error, file, named, problem);
        Assert.DoesNotContain(notSaid, error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_invalid_route_in_the_proxy_config_ends_the_start_naming_the_file_and_the_route()
    {
        string file = Path.Combine(_directory, "routes.json");
        await File.WriteAllTextAsync(file, """{"ReverseProxy":{"Routes":{"r3":{"ClusterId":"c","Match":{}}},"Clusters":{"c":{"Destinations":{}}}}}""");

        var (code, error) = await RunAsync("--proxy-config", file);

        Assert.Equal(2, code);
        AssertOneLine(error, file, "Route 'r3' requires Hosts or Path");
    }

    /// <summary>Runs the gateway as the process does, on a free port unless the arguments give one.</summary>
    internal static async Task<(int Code, string Error)> RunAsync(params string[] arguments)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        string[] args = Array.Exists(arguments, a => a.StartsWith("--urls", StringComparison.Ordinal))
            ? arguments
            : ["--urls=http://127.0.0.1:0", .. arguments];
        int code = await GatewayProgram.RunAsync(args, output, error).WaitAsync(TimeSpan.FromSeconds(60));
        return (code, error.ToString());
    }

    private static void AssertNoFailureLogged(string output)
    {
        Assert.DoesNotContain("Hosting failed to start", output, StringComparison.Ordinal);
        // Nor a warning before it: YARP's first health probes of the default backends run before the ports are bound.
        Assert.DoesNotContain("warn:", output, StringComparison.Ordinal);
        Assert.DoesNotContain("fail:", output, StringComparison.Ordinal);
        Assert.DoesNotContain("crit:", output, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", output, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", output, StringComparison.Ordinal);
    }

    private static async Task AssertStandInsStoppedAfterFailedStartAsync(params string[] arguments)
    {
        var standIns = new List<Uri>();
        await Assert.ThrowsAsync<GatewayStartupException>(() => GatewayApplication.StartAsync(
            ["--demo", .. arguments],
            app =>
            {
                foreach (string cluster in new[] { "request-router", "sandbox-manager", "core-mcp-server" })
                {
                    standIns.Add(new Uri(app.Configuration[$"ReverseProxy:Clusters:{cluster}:Destinations:d1:Address"]!));
                }
            }).WaitAsync(TimeSpan.FromSeconds(60)));

        Assert.Equal(3, standIns.Count);
        foreach (var standIn in standIns)
        {
            using var client = new TcpClient();
            var refused = await Assert.ThrowsAsync<SocketException>(() => client.ConnectAsync(standIn.Host, standIn.Port));
            Assert.Equal(SocketError.ConnectionRefused, refused.SocketErrorCode);
        }
    }

    internal static void AssertOneLine(string error, params string[] expected)
    {
        Assert.StartsWith("metric-collector gateway: ", error, StringComparison.Ordinal);
        Assert.Single(error.TrimEnd('\n').Split('\n'));
        foreach (string part in expected)
        {
            Assert.Contains(part, error, StringComparison.Ordinal);
        }
    }
}
