using MetricCollector.Gateway.Mcp;

namespace MetricCollector.Gateway.Tests.Mcp;

public sealed class McpLabelTests
{
    [Theory]
    [InlineData("tools/call", "tools/call")]
    [InlineData("notifications/progress", "notifications/progress")]
    [InlineData("vendor/secret", "other")]
    [InlineData("", "other")]
    [InlineData(null, "other")]
    public void Methods_outside_the_specification_are_other(string? method, string label)
    {
        Assert.Equal(label, McpMethods.Label(method));
    }

    [Fact]
    public void Only_allow_listed_tools_get_their_own_label()
    {
        var tools = new McpToolLabels(new McpInstrumentationOptions { AllowedTools = ["search", "fetch"] });

        Assert.Equal("search", tools.Label("search"));
        Assert.Equal("other", tools.Label("delete_everything"));
        Assert.Equal("fetch", tools.Label("fetch"));
    }

    [Fact]
    public void Every_allow_listed_tool_gets_its_own_label_beyond_max_tools()
    {
        var tools = new McpToolLabels(new McpInstrumentationOptions { MaxTools = 2, AllowedTools = ["t1", "t2", "t3"] });

        Assert.Equal(["t1", "t2", "t3", "other"], new[] { tools.Label("t1"), tools.Label("t2"), tools.Label("t3"), tools.Label("t4") });
    }

    [Fact]
    public void Tool_names_that_are_not_names_are_other()
    {
        var tools = new McpToolLabels(new McpInstrumentationOptions());

        Assert.Equal("other", tools.Label("rm -rf /"));
        Assert.Equal("other", tools.Label(new string('a', 129)));
        Assert.Equal("other", tools.Label("\"}\n"));
        Assert.Equal("get_weather", tools.Label("get_weather"));
    }
}
