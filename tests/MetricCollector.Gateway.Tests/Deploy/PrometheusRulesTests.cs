using MetricCollector.Tests;
using MetricCollector.Tests.Exposition;

namespace MetricCollector.Gateway.Tests.Deploy;

/// <summary><c>deploy/prometheus/rules.yml</c> is valid and its alerts fire, and stay silent, as its unit tests say.</summary>
public sealed class PrometheusRulesTests
{
    [Fact]
    public async Task Promtool_accepts_the_rules()
    {
        var (exitCode, output) = await ExpositionOracles.RunAsync("promtool", ["check", "rules", RepositoryPaths.Of("deploy", "prometheus", "rules.yml")], "");

        Assert.True(exitCode == 0, output);
        Assert.Contains("SUCCESS", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Promtool_accepts_the_example_scrape_configuration_with_its_rules()
    {
        var (exitCode, output) = await ExpositionOracles.RunAsync("promtool", ["check", "config", RepositoryPaths.Of("deploy", "prometheus", "prometheus.yml")], "");

        Assert.True(exitCode == 0, output);
    }

    [Fact]
    public async Task The_rule_unit_tests_pass()
    {
        var (exitCode, output) = await ExpositionOracles.RunAsync("promtool", ["test", "rules", RepositoryPaths.Of("deploy", "prometheus", "rules.test.yml")], "");

        Assert.True(exitCode == 0, output);
    }
}
