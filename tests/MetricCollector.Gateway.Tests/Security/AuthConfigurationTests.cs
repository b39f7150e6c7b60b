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
}
