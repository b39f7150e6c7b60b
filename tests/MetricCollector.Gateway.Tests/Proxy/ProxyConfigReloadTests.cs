using System.Net;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Configuration.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace MetricCollector.Gateway.Tests.Proxy;

/// <summary>Editing the proxy-config file changes the routes of a running gateway, without a restart.</summary>
public sealed class ProxyConfigReloadTests : IAsyncLifetime
{
    private readonly WireMockServer _upstream = WireMockServer.Start();
    private readonly ProxyConfigFile _config = new();
    private RunningGateway _gateway = null!;

    public async Task InitializeAsync()
    {
        _upstream.Given(Request.Create().UsingAnyMethod()).RespondWith(Response.Create().WithStatusCode(200).WithBody("upstream"));
        _config.Route("router", "request-router", "/router/{**rest}").Cluster("request-router", _upstream.Url!).Write();
        _gateway = await RunningGateway.StartAsync("--proxy-config", _config.Path);
    }

    public async Task DisposeAsync()
    {
        await _gateway.DisposeAsync();
        _upstream.Dispose();
        _config.Dispose();
    }

    [Fact]
    public async Task A_route_added_to_the_file_starts_forwarding_without_a_restart()
    {
        using (var before = await _gateway.Client.GetAsync("/reports/daily"))
        {
            Assert.Equal(HttpStatusCode.NotFound, before.StatusCode);
        }

        _config.Route("reports", "request-router", "/reports/{**rest}").Write();

        bool forwarded = await Poll.UntilAsync(async () =>
        {
            using var response = await _gateway.Client.GetAsync("/reports/daily");
            return response.StatusCode == HttpStatusCode.OK;
        });

        Assert.True(forwarded);
        string metrics = await _gateway.MetricsAsync();
        Assert.Equal(1, MetricsText.Value(metrics, """gateway_requests_total{route="reports",cluster="request-router",method="GET",code="200"}"""));
        using var old = await _gateway.Client.GetAsync("/router/x");
        Assert.Equal(HttpStatusCode.OK, old.StatusCode);
    }

    [Fact]
    public async Task A_cluster_renamed_only_in_case_keeps_one_cluster_label_on_every_series()
    {
        // YARP's ids ignore case, so the reload keeps the cluster's state and its old text, which the request series
        // carry; the upstream histogram took the new text (a review: joins on cluster broke).
        using (var before = await _gateway.Client.GetAsync("/router/x"))
        {
            Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        }

        using var renamed = new ProxyConfigFile();
        renamed.Route("router", "Request-Router", "/router/{**rest}").Cluster("Request-Router", [_upstream.Url!, _upstream.Url!]).Write(_config.Path);
        bool secondDestinationUsed = await Poll.UntilAsync(async () =>
        {
            using var response = await _gateway.Client.GetAsync("/router/x");
            return (await _gateway.MetricsAsync()).Split('\n').Any(line =>
                line.StartsWith("gateway_upstream_duration_seconds_count{", StringComparison.Ordinal) && line.Contains("destination=\"d2\"", StringComparison.Ordinal));
        });

        Assert.True(secondDestinationUsed);
        string metrics = await _gateway.MetricsAsync();
        Assert.DoesNotContain("cluster=\"Request-Router\"", metrics, StringComparison.Ordinal);
        Assert.Contains("""gateway_upstream_duration_seconds_count{cluster="request-router",destination="d2"}""", metrics, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_file_that_is_not_json_is_logged_as_a_warning_and_the_routes_it_had_stay()
    {
        using var logs = new CapturedLogs();
        _gateway.Services.GetRequiredService<ILoggerFactory>().AddProvider(logs);

        await File.WriteAllTextAsync(_config.Path, """{ "ReverseProxy": { "Routes": { "router": """);

        await AssertWarnedAndRoutesKeptAsync(logs, "LineNumber");

        // The same bad content read again (one write is often seen as two changes) is not said again: waited for by
        // YARP's line of the reload that reading it raises.
        static bool Reloaded((LogLevel Level, int EventId, string Category, string Message) e) => e.Message == "Loading proxy data from config.";
        int reloads = logs.Entries.Count(Reloaded);
        await File.WriteAllTextAsync(_config.Path, """{ "ReverseProxy": { "Routes": { "router": """);
        Assert.True(await Poll.UntilAsync(() => Task.FromResult(logs.Entries.Count(Reloaded) > reloads)));
        Assert.Single(logs.Entries, e => e.Level == LogLevel.Warning && e.Message.Contains("could not be read", StringComparison.Ordinal));

        // The file is still watched: a good edit is taken.
        _config.Route("reports", "request-router", "/reports/{**rest}").Write();
        Assert.True(await Poll.UntilAsync(async () =>
        {
            using var response = await _gateway.Client.GetAsync("/reports/daily");
            return response.StatusCode == HttpStatusCode.OK;
        }));
    }

    [Fact]
    public async Task A_file_moved_away_is_logged_as_a_warning_and_the_routes_stay_until_it_is_back()
    {
        using var logs = new CapturedLogs();
        _gateway.Services.GetRequiredService<ILoggerFactory>().AddProvider(logs);
        string moved = _config.Path + ".moved";

        File.Move(_config.Path, moved);
        try
        {
            await AssertWarnedAndRoutesKeptAsync(logs, "missing");
        }
        finally
        {
            File.Delete(moved);
        }

        // The file is still watched where it was: when it is back, its routes are taken.
        _config.Route("reports", "request-router", "/reports/{**rest}").Write();
        Assert.True(await Poll.UntilAsync(async () =>
        {
            using var response = await _gateway.Client.GetAsync("/reports/daily");
            return response.StatusCode == HttpStatusCode.OK;
        }));
    }

    [Fact]
    public async Task A_file_without_routes_or_the_mcp_cluster_is_warned_about()
    {
        using var logs = new CapturedLogs();
        _gateway.Services.GetRequiredService<ILoggerFactory>().AddProvider(logs);

        await File.WriteAllTextAsync(_config.Path, "{}");

        bool warned = await Poll.UntilAsync(() => Task.FromResult(
            logs.Entries.Any(e => e.Level == LogLevel.Warning && e.Message.Contains("has no routes", StringComparison.Ordinal))
            && logs.Entries.Any(e => e.Level == LogLevel.Warning && e.Message.Contains("Gateway:Mcp:Cluster 'core-mcp-server' names no cluster", StringComparison.Ordinal))));
        Assert.True(warned, string.Join("\n", logs.Entries.Select(e => $"{e.Level} {e.Category}: {e.Message}")));
    }

    [Theory]
    [InlineData("not a url")]
    [InlineData("ftp://x")]
    [InlineData("/relative/path")]
    public async Task A_reload_with_a_bad_destination_address_is_logged_as_one_error_and_the_routes_it_had_stay(string address)
    {
        using var logs = new CapturedLogs();
        _gateway.Services.GetRequiredService<ILoggerFactory>().AddProvider(logs);

        // The whole file is refused, its new route too, not only the cluster with the bad destination.
        using (var bad = new ProxyConfigFile())
        {
            bad.Route("router", "request-router", "/router/{**rest}").Route("reports", "request-router", "/reports/{**rest}")
                .Cluster("request-router", [_upstream.Url!, address])
                .Write(_config.Path);
        }

        bool logged = await Poll.UntilAsync(() => Task.FromResult(logs.Entries.Any(e => e.Level >= LogLevel.Error)));
        Assert.True(logged, string.Join("\n", logs.Entries.Select(e => $"{e.Level} {e.Category}: {e.Message}")));

        // A reload of another source (appsettings.json) makes YARP try the refused configuration again: not logged
        // again, nor is the second change one write of the file can be seen as.
        var root = (IConfigurationRoot)_gateway.Services.GetRequiredService<IConfiguration>();
        root.Providers.OfType<JsonConfigurationProvider>().First(p => p.Source.Path == "appsettings.json").Load();
        await Task.Delay(500);
        var error = Assert.Single(logs.Entries, e => e.Level >= LogLevel.Error);
        Assert.Contains(_config.Path, error.Message, StringComparison.Ordinal);
        Assert.Contains("cluster 'request-router', destination 'd2'", error.Message, StringComparison.Ordinal);
        Assert.Contains($"'{address}'", error.Message, StringComparison.Ordinal);
        Assert.Contains("keeps the routes and clusters it had", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", error.Message, StringComparison.Ordinal);
        using (var kept = await _gateway.Client.GetAsync("/router/x"))
        {
            Assert.Equal(HttpStatusCode.OK, kept.StatusCode);
        }

        using (var notAdded = await _gateway.Client.GetAsync("/reports/daily"))
        {
            Assert.Equal(HttpStatusCode.NotFound, notAdded.StatusCode);
        }

        // A good edit after it is taken.
        _config.Route("reports", "request-router", "/reports/{**rest}").Write();
        Assert.True(await Poll.UntilAsync(async () =>
        {
            using var response = await _gateway.Client.GetAsync("/reports/daily");
            return response.StatusCode == HttpStatusCode.OK;
        }));
        using var old = await _gateway.Client.GetAsync("/router/x");
        Assert.Equal(HttpStatusCode.OK, old.StatusCode);
    }

    // A warning names the file and what went wrong, and the routes keep answering, also after another source's reload
    // (an edit of appsettings.json), which makes YARP read the configuration again.
    private async Task AssertWarnedAndRoutesKeptAsync(CapturedLogs logs, string reason)
    {
        bool warned = await Poll.UntilAsync(() => Task.FromResult(logs.Entries.Any(e =>
            e.Level == LogLevel.Warning && e.Message.Contains(_config.Path, StringComparison.Ordinal)
            && e.Message.Contains(reason, StringComparison.Ordinal))));
        Assert.True(warned, string.Join("\n", logs.Entries.Select(e => $"{e.Level} {e.Category}: {e.Message}")));
        using (var kept = await _gateway.Client.GetAsync("/router/x"))
        {
            Assert.Equal(HttpStatusCode.OK, kept.StatusCode);
        }

        var root = (IConfigurationRoot)_gateway.Services.GetRequiredService<IConfiguration>();
        root.Providers.OfType<JsonConfigurationProvider>().First(p => p.Source.Path == "appsettings.json").Load();
        await Task.Delay(500);
        using var afterReload = await _gateway.Client.GetAsync("/router/x");
        Assert.Equal(HttpStatusCode.OK, afterReload.StatusCode);
    }
}
