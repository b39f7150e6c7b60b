using MetricCollector.Collector;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace MetricCollector.Gateway.Tests.Hosting;

/// <summary>
/// <c>--contentRoot</c>, one of ASP.NET's top-level settings the gateway accepts (README, docs/gateway.md, <c>--help</c>),
/// says where <c>appsettings.json</c> is read from; without it, beside the binaries.
/// </summary>
public sealed class ContentRootTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("content-root-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task The_content_root_given_on_the_command_line_is_where_appsettings_json_is_read()
    {
        await File.WriteAllTextAsync(Path.Combine(_directory, "appsettings.json"), """{"MetricCollector":{"MaxSeries":1234}}""");

        var app = await GatewayApplication.StartAsync(["--urls", "http://127.0.0.1:0", "--contentRoot", _directory]);
        try
        {
            Assert.Equal(Path.TrimEndingDirectorySeparator(_directory), Path.TrimEndingDirectorySeparator(app.Services.GetRequiredService<IHostEnvironment>().ContentRootPath));
            Assert.Equal(1234, app.Services.GetRequiredService<IOptions<MetricCollectorOptions>>().Value.MaxSeries);
        }
        finally
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }

    [Fact]
    public async Task Without_a_content_root_appsettings_json_is_read_from_beside_the_binaries()
    {
        var app = await GatewayApplication.StartAsync(["--urls", "http://127.0.0.1:0"]);
        try
        {
            Assert.Equal(Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory), Path.TrimEndingDirectorySeparator(app.Services.GetRequiredService<IHostEnvironment>().ContentRootPath));
        }
        finally
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }
}
