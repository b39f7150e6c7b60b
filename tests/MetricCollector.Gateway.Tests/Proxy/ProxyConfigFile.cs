using System.Globalization;
using System.Text;

namespace MetricCollector.Gateway.Tests.Proxy;

/// <summary>A proxy-config file in YARP's format, written to a temporary file the test deletes.</summary>
internal sealed class ProxyConfigFile : IDisposable
{
    private readonly List<string> _routes = [];
    private readonly List<string> _clusters = [];

    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "proxy-config-" + Guid.NewGuid().ToString("N") + ".json");

    /// <summary>A route; <paramref name="extra"/> is more JSON members of the route (AuthorizationPolicy, Metadata).</summary>
    public ProxyConfigFile Route(string id, string cluster, string path, string? methods = null, int? order = null, string? extra = null)
    {
        string match = methods is null ? $"\"Path\": \"{path}\"" : $"\"Path\": \"{path}\", \"Methods\": [{methods}]";
        string orderPart = order is null ? "" : $", \"Order\": {order.Value.ToString(CultureInfo.InvariantCulture)}";
        string extraPart = extra is null ? "" : ", " + extra;
        _routes.Add($"\"{id}\": {{ \"ClusterId\": \"{cluster}\"{orderPart}, \"Match\": {{ {match} }}{extraPart} }}");
        return this;
    }

    /// <summary>A cluster; <paramref name="extra"/> is more JSON members of the cluster (health checks, HttpRequest).</summary>
    public ProxyConfigFile Cluster(string id, IEnumerable<string> addresses, string? extra = null)
    {
        var destinations = new StringBuilder();
        int i = 1;
        foreach (string address in addresses)
        {
            if (destinations.Length > 0)
            {
                destinations.Append(", ");
            }

            destinations.Append(CultureInfo.InvariantCulture, $"\"d{i++}\": {{ \"Address\": \"{address}\" }}");
        }

        _clusters.Add($"\"{id}\": {{ \"Destinations\": {{ {destinations} }}{(extra is null ? "" : ", " + extra)} }}");
        return this;
    }

    public ProxyConfigFile Cluster(string id, string address, string? extra = null) => Cluster(id, [address], extra);

    /// <summary>Writes the file; to <paramref name="path"/> instead when given (another file's, to rewrite it whole).</summary>
    public string Write(string? path = null)
    {
        string json = $$"""
            { "ReverseProxy": { "Routes": { {{string.Join(",\n", _routes)}} }, "Clusters": { {{string.Join(",\n", _clusters)}} } } }
            """;
        path ??= Path;
        File.WriteAllText(path, json);
        return path;
    }

    public void Dispose() => File.Delete(Path);
}
