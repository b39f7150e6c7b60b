using System.Net;
using System.Text;

namespace MetricCollector.Gateway.Tests.Security;

public sealed class AuthConfigurationTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("auth-config-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task Keys_are_read_from_a_keys_file()
    {
        string file = Path.Combine(_directory, "keys.json");
        await File.WriteAllTextAsync(file, """[{"key":"from-the-keys-file-0123456789","componentId":"core-mcp-server"}]""");
        await using var gateway = await RunningGateway.StartAsync("--Gateway:Auth:KeysFile=" + file);

        using var request = new HttpRequestMessage(HttpMethod.Post, "/record")
        {
            Content = new StringContent("""{"metric_name":"calls","metric_type":"counter"}""", Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new("Bearer", "from-the-keys-file-0123456789");
        using var response = await gateway.Client.SendAsync(request);
        using var anonymous = await gateway.Client.PostAsync("/record", new StringContent("{}", Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal(1, MetricsText.Value(await gateway.MetricsAsync(), """calls_total{componentId="core-mcp-server"}"""));
    }

    [Theory]
    [InlineData("--Gateway:Auth:Keys:0:Key=short", "shorter than 16")]
    [InlineData("--Gateway:Auth:KeysFile=/nonexistent/keys.json", "does not exist")]
    [InlineData("--Gateway:Auth:ComponentLabel=le", "reserved")]
    [InlineData("--Gateway:Auth:ComponentLabel=quantile", "reserved")]
    [InlineData("--Gateway:Auth:ComponentLabel=__name", "not a valid label name")]
    public async Task Unusable_key_settings_stop_the_start_with_a_message_naming_them(string argument, string expected)
    {
        var error = await Assert.ThrowsAnyAsync<Exception>(async () =>
        {
            await using var gateway = await RunningGateway.StartAsync(argument);
        });

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_keys_the_endpoints_stay_open()
    {
        await using var gateway = await RunningGateway.StartAsync();

        using var response = await gateway.Client.PostAsync("/record", new StringContent("""{"metric_name":"open","metric_type":"counter"}""", Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
    }

    [Fact]
    public async Task An_unknown_field_in_the_keys_file_stops_the_start_naming_the_key_and_the_field()
    {
        string file = Path.Combine(_directory, "keys.json");
        await File.WriteAllTextAsync(file, """[{"key":"first-key-0123456789abc","componentId":"router"},{"key":"typo-0123456789abcde","componnetId":"sandbox"}]""");

        var error = await Assert.ThrowsAsync<GatewayStartupException>(() => RunningGateway.StartAsync("--Gateway:Auth:KeysFile=" + file));

        Assert.Contains(file, error.Message, StringComparison.Ordinal);
        Assert.Contains("componnetId", error.Message, StringComparison.Ordinal);
        Assert.Contains("$[1]", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--Gateway:Auth:Keys:0:Roles:0=Scraper", "Gateway:Auth:Keys:0:Roles:0", "'Scraper'")]
    [InlineData("--Gateway:Auth:Keys:0:Roles:1=admn", "Gateway:Auth:Keys:0:Roles:1", "'admn'")]
    [InlineData("--Gateway:Auth:Keys:0:ComponnetId=sandbox", "Gateway:Auth", "ComponnetId")]
    public async Task A_mistyped_key_setting_in_configuration_stops_the_start_naming_it(string argument, string setting, string named)
    {
        var error = await Assert.ThrowsAsync<GatewayStartupException>(() => RunningGateway.StartAsync(
            "--Gateway:Auth:Keys:0:Key=config-key-0123456789ab", "--Gateway:Auth:Keys:0:Roles:0=Record", argument));

        Assert.Contains(setting, error.Message, StringComparison.Ordinal);
        Assert.Contains(named, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Role_names_in_configuration_are_read_whatever_their_case()
    {
        await using var gateway = await RunningGateway.StartAsync("--Gateway:Auth:Keys:0:Key=config-key-0123456789ab", "--Gateway:Auth:Keys:0:Roles:0=scrape", "--Gateway:Auth:RequireForMetrics=true");

        using var request = new HttpRequestMessage(HttpMethod.Get, "/metrics");
        request.Headers.Authorization = new("Bearer", "config-key-0123456789ab");
        using var response = await gateway.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }
}
