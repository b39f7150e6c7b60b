using System.Text.RegularExpressions;
using MetricCollector.Tests;

namespace MetricCollector.Gateway.Tests.Deploy;

/// <summary>
/// What of <c>deploy/Dockerfile</c> can be checked without Docker (the project's machines have no daemon): the build
/// stage has every file the projects read from outside <c>src/</c> before it publishes.
/// </summary>
public sealed partial class DockerfileTests
{
    [Fact]
    public async Task The_build_stage_copies_every_directory_the_projects_read_from_outside_src_before_publishing()
    {
        string dockerfile = await File.ReadAllTextAsync(RepositoryPaths.Of("deploy", "Dockerfile"));
        int publish = dockerfile.IndexOf("RUN dotnet publish", StringComparison.Ordinal);
        Assert.True(publish > 0, "the Dockerfile publishes the gateway");
        string beforePublish = dockerfile[..publish];

        var directories = new SortedSet<string>(StringComparer.Ordinal);
        foreach (string project in Directory.EnumerateFiles(RepositoryPaths.Of("src"), "*.csproj", SearchOption.AllDirectories))
        {
            foreach (Match match in OutsideSrc().Matches(await File.ReadAllTextAsync(project)))
            {
                directories.Add(match.Groups[1].Value);
            }
        }

        // Without them `dotnet publish` stops with MSB3030 (proxy-config.json, a Content item) or a missing resource.
        Assert.Contains("schemas", directories);
        Assert.Contains("proxy-config", directories);
        foreach (string directory in directories)
        {
            Assert.Contains($"COPY {directory}/ {directory}/", beforePublish, StringComparison.Ordinal);
        }
    }

    [GeneratedRegex("""Include="\.\./\.\./([^/"]+)/""")]
    private static partial Regex OutsideSrc();
}
