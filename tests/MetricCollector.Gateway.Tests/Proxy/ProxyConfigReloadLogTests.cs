using MetricCollector.Gateway.Proxy;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Primitives;
using Microsoft.Extensions.Time.Testing;
using Yarp.ReverseProxy.Configuration;

namespace MetricCollector.Gateway.Tests.Proxy;

/// <summary>
/// A refused proxy-config reload is logged once however often YARP retries it at once (one write seen as two changes,
/// a reload of appsettings.json), and every other refused edit is logged, even with the same problems.
/// </summary>
public sealed class ProxyConfigReloadLogTests : IDisposable
{
    private static readonly Exception BadAddress = new AggregateException(new InvalidOperationException("outer", new ArgumentException("d2 is 'ftp://x'")));
    private readonly FakeTimeProvider _time = new();
    private readonly CapturedLogs _logs = new();
    private readonly LoggerFactory _factory;
    private readonly ProxyConfigReloadLog _log;

    public ProxyConfigReloadLogTests()
    {
        _factory = new LoggerFactory([_logs]);
        _log = new ProxyConfigReloadLog(_factory.CreateLogger<ProxyConfigReloadLog>(), "/etc/gateway/proxy-config.json", _time);
    }

    public void Dispose()
    {
        _factory.Dispose();
        _logs.Dispose();
    }

    private int Logged => _logs.Entries.Count(e => e.EventId == 16);

    [Fact]
    public void The_same_refused_configuration_retried_within_seconds_is_logged_once()
    {
        _log.ConfigurationApplyingFailed(Configs("router", "ftp://x"), BadAddress);
        _time.Advance(TimeSpan.FromSeconds(1));
        _log.ConfigurationApplyingFailed(Configs("router", "ftp://x"), BadAddress);

        var line = Assert.Single(_logs.Entries);
        Assert.Contains("d2 is 'ftp://x'", line.Message, StringComparison.Ordinal);
        Assert.Contains("/etc/gateway/proxy-config.json", line.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Another_refused_edit_with_the_same_problem_is_logged_again()
    {
        _log.ConfigurationApplyingFailed(Configs("router", "ftp://x"), BadAddress);
        // The operator adds a route but leaves the bad address: the route does not apply, and must not do so silently.
        _log.ConfigurationApplyingFailed(Configs("reports", "ftp://x"), BadAddress);

        Assert.Equal(2, Logged);
    }

    [Fact]
    public void The_same_refused_configuration_is_logged_again_once_the_moment_has_passed()
    {
        // E.g. the file was moved away (a warning of its own) and the same bad file put back.
        _log.ConfigurationApplyingFailed(Configs("router", "ftp://x"), BadAddress);
        _time.Advance(TimeSpan.FromSeconds(5));
        _log.ConfigurationApplyingFailed(Configs("router", "ftp://x"), BadAddress);

        Assert.Equal(2, Logged);
    }

    [Fact]
    public void A_configuration_that_applies_in_between_makes_the_same_refusal_new()
    {
        _log.ConfigurationApplyingFailed(Configs("router", "ftp://x"), BadAddress);
        _log.ConfigurationApplied(Configs("router", "http://127.0.0.1:5101/"));
        _log.ConfigurationApplyingFailed(Configs("router", "ftp://x"), BadAddress);

        Assert.Equal(2, Logged);
    }

    private static IReadOnlyList<IProxyConfig> Configs(string route, string address) =>
    [
        new Config(
            [new RouteConfig { RouteId = route, ClusterId = "request-router", Match = new RouteMatch { Path = "/" + route + "/{**rest}" } }],
            [new ClusterConfig
            {
                ClusterId = "request-router",
                Destinations = new Dictionary<string, DestinationConfig>(StringComparer.OrdinalIgnoreCase)
                {
                    ["d1"] = new() { Address = "http://127.0.0.1:5101/" },
                    ["d2"] = new() { Address = address },
                },
            }]),
    ];

    private sealed record Config(IReadOnlyList<RouteConfig> Routes, IReadOnlyList<ClusterConfig> Clusters) : IProxyConfig
    {
        public IChangeToken ChangeToken { get; } = NullChangeToken.Singleton;
    }
}
