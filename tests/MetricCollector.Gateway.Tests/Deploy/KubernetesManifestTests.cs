using System.Globalization;
using System.Net;
using System.Text.Json;
using MetricCollector.Gateway.Hosting;
using MetricCollector.Tests;
using MetricCollector.Tests.Exposition;

namespace MetricCollector.Gateway.Tests.Deploy;

/// <summary>
/// What of <c>deploy/</c> can be checked without a cluster or Docker: the manifests parse and agree with each other and
/// with the gateway (probe paths, port, mounted file), and the gateway runs with the ConfigMap's proxy-config.
/// </summary>
public sealed class KubernetesManifestTests
{
    private static async Task<JsonElement> YamlAsync(params string[] path)
    {
        const string ToJson = "import sys, json, yaml; print(json.dumps(yaml.safe_load(sys.stdin.read())))";
        var (exitCode, output) = await ExpositionOracles.RunAsync("/usr/bin/python3", ["-c", ToJson], await File.ReadAllTextAsync(RepositoryPaths.Of(path)));
        Assert.True(exitCode == 0, output);
        return JsonDocument.Parse(output).RootElement.Clone();
    }

    [Fact]
    public async Task The_deployment_probes_the_health_endpoints_and_mounts_the_file_the_gateway_is_told_to_read()
    {
        var statefulSet = await YamlAsync("deploy", "kubernetes", "statefulset.yaml");
        var container = statefulSet.GetProperty("spec").GetProperty("template").GetProperty("spec").GetProperty("containers")[0];
        // The container runs the image's ENTRYPOINT followed by the manifest's args, if any.
        string entrypoint = (await File.ReadAllLinesAsync(RepositoryPaths.Of("deploy", "Dockerfile"))).Single(l => l.StartsWith("ENTRYPOINT ", StringComparison.Ordinal));
        var args = JsonSerializer.Deserialize<List<string>>(entrypoint["ENTRYPOINT ".Length..])!;
        if (container.TryGetProperty("args", out var manifestArgs))
        {
            args.AddRange(manifestArgs.EnumerateArray().Select(a => a.GetString()!));
        }

        Assert.Single(args, a => a == "--proxy-config");
        string configFile = args[args.IndexOf("--proxy-config") + 1];
        string mountPath = container.GetProperty("volumeMounts").EnumerateArray().Single(m => m.GetProperty("name").GetString() == "proxy-config").GetProperty("mountPath").GetString()!;
        var kustomization = await YamlAsync("deploy", "kubernetes", "kustomization.yaml");
        var generated = kustomization.GetProperty("configMapGenerator")[0];

        Assert.Equal("/healthz", container.GetProperty("livenessProbe").GetProperty("httpGet").GetProperty("path").GetString());
        Assert.Equal("/readyz", container.GetProperty("readinessProbe").GetProperty("httpGet").GetProperty("path").GetString());
        Assert.Equal(8080, container.GetProperty("ports")[0].GetProperty("containerPort").GetInt32());
        Assert.Equal(mountPath + "/" + generated.GetProperty("files")[0].GetString(), configFile);
        Assert.Equal(generated.GetProperty("name").GetString(), statefulSet.GetProperty("spec").GetProperty("template").GetProperty("spec").GetProperty("volumes")[0].GetProperty("configMap").GetProperty("name").GetString());
        Assert.Contains("EXPOSE 8080", await File.ReadAllTextAsync(RepositoryPaths.Of("deploy", "Dockerfile")), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_deployment_stays_ready_to_serve_until_its_endpoints_are_gone_and_is_not_killed_while_draining()
    {
        var statefulSet = await YamlAsync("deploy", "kubernetes", "statefulset.yaml");
        var pod = statefulSet.GetProperty("spec").GetProperty("template").GetProperty("spec");
        var container = pod.GetProperty("containers")[0];
        var env = container.GetProperty("env").EnumerateArray().ToDictionary(e => e.GetProperty("name").GetString()!, e => e.GetProperty("value").GetString()!);
        var readiness = container.GetProperty("readinessProbe");
        var delay = TimeSpan.Parse(env["Gateway__Server__ShutdownDelay"], CultureInfo.InvariantCulture);
        var drain = env.TryGetValue("Gateway__Server__ShutdownTimeout", out string? timeout)
            ? TimeSpan.Parse(timeout, CultureInfo.InvariantCulture)
            : new GatewayServerOptions().ShutdownTimeout;

        // The readiness probe must fail failureThreshold times, periodSeconds apart, before the pod leaves the endpoints.
        Assert.True(delay.TotalSeconds >= readiness.GetProperty("periodSeconds").GetInt32() * readiness.GetProperty("failureThreshold").GetInt32());
        Assert.True(delay < drain);
        // The kubelet kills the container terminationGracePeriodSeconds after SIGTERM: after the delay and the whole drain.
        Assert.True(pod.GetProperty("terminationGracePeriodSeconds").GetInt32() > (delay + drain).TotalSeconds);
    }

    /// <summary>
    /// A review found the manifests keeping no snapshot (every rollout started each replica empty) and the Service
    /// spreading a push's retries, each on a new connection, over replicas that do not share Idempotency-Keys.
    /// </summary>
    [Fact]
    public async Task Each_replica_keeps_its_snapshot_on_a_volume_of_its_own_and_a_clients_retries_reach_the_same_replica()
    {
        var set = await YamlAsync("deploy", "kubernetes", "statefulset.yaml");
        var service = await YamlAsync("deploy", "kubernetes", "service.yaml");
        var pod = set.GetProperty("spec").GetProperty("template").GetProperty("spec");
        var container = pod.GetProperty("containers")[0];
        var env = container.GetProperty("env").EnumerateArray().ToDictionary(e => e.GetProperty("name").GetString()!, e => e.GetProperty("value").GetString()!);
        string snapshot = env["MetricCollector__SnapshotPath"];
        var claim = Assert.Single(set.GetProperty("spec").GetProperty("volumeClaimTemplates").EnumerateArray());
        var mount = container.GetProperty("volumeMounts").EnumerateArray().Single(m => m.GetProperty("name").GetString() == claim.GetProperty("metadata").GetProperty("name").GetString());

        Assert.Equal("StatefulSet", set.GetProperty("kind").GetString());
        Assert.Equal(mount.GetProperty("mountPath").GetString(), Path.GetDirectoryName(snapshot));
        Assert.Equal(pod.GetProperty("securityContext").GetProperty("runAsUser").GetInt32(), pod.GetProperty("securityContext").GetProperty("fsGroup").GetInt32());
        Assert.Equal("ClientIP", service.GetProperty("spec").GetProperty("sessionAffinity").GetString());
    }

    /// <summary>
    /// A review found <c>kubectl apply -k</c> failing on a fresh cluster: the kustomization puts every resource in a
    /// namespace that none of them created.
    /// </summary>
    [Fact]
    public async Task The_kustomization_creates_the_namespace_it_puts_its_resources_in()
    {
        var kustomization = await YamlAsync("deploy", "kubernetes", "kustomization.yaml");
        string ns = kustomization.GetProperty("namespace").GetString()!;
        var namespaces = new List<string>();
        foreach (var resource in kustomization.GetProperty("resources").EnumerateArray())
        {
            var manifest = await YamlAsync("deploy", "kubernetes", resource.GetString()!);
            if (manifest.GetProperty("kind").GetString() == "Namespace")
            {
                namespaces.Add(manifest.GetProperty("metadata").GetProperty("name").GetString()!);
            }
        }

        Assert.Equal([ns], namespaces);
    }

    [Fact]
    public async Task The_service_monitor_scrapes_metrics_on_the_services_port()
    {
        var monitor = await YamlAsync("deploy", "kubernetes", "servicemonitor.yaml");
        var service = await YamlAsync("deploy", "kubernetes", "service.yaml");

        var endpoint = monitor.GetProperty("spec").GetProperty("endpoints")[0];
        Assert.Equal("/metrics", endpoint.GetProperty("path").GetString());
        Assert.Equal(service.GetProperty("spec").GetProperty("ports")[0].GetProperty("name").GetString(), endpoint.GetProperty("port").GetString());
    }

    [Fact]
    public async Task The_gateway_runs_with_the_configmaps_proxy_config_and_answers_its_probes()
    {
        using var defaults = JsonDocument.Parse(await File.ReadAllTextAsync(RepositoryPaths.Of("proxy-config", "proxy-config.json")));
        using var mounted = JsonDocument.Parse(await File.ReadAllTextAsync(RepositoryPaths.Of("deploy", "kubernetes", "proxy-config.json")));
        Assert.Equal(
            defaults.RootElement.GetProperty("ReverseProxy").GetProperty("Routes").EnumerateObject().Select(r => r.Name),
            mounted.RootElement.GetProperty("ReverseProxy").GetProperty("Routes").EnumerateObject().Select(r => r.Name));

        await using var gateway = await RunningGateway.StartAsync("--proxy-config", RepositoryPaths.Of("deploy", "kubernetes", "proxy-config.json"));
        using var live = await gateway.Client.GetAsync("/healthz");
        using var ready = await gateway.Client.GetAsync("/readyz");

        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.Contains("cluster=\"core-mcp-server\"", await gateway.MetricsAsync(), StringComparison.Ordinal);
    }
    /// <summary>
    /// The kubelet updates a mounted ConfigMap by swapping a symbolic link (<c>..data</c>), which raises no change
    /// event for the file the gateway watches: an edit in place was never applied (a reviewer's finding). With the
    /// manifest's environment, the gateway, in a process of its own, applies it.
    /// </summary>
    [Fact]
    public async Task A_configmap_updated_as_the_kubelet_does_it_is_applied_with_the_manifests_environment()
    {
        var statefulSet = await YamlAsync("deploy", "kubernetes", "statefulset.yaml");
        var container = statefulSet.GetProperty("spec").GetProperty("template").GetProperty("spec").GetProperty("containers")[0];
        var environment = container.GetProperty("env").EnumerateArray().ToDictionary(e => e.GetProperty("name").GetString()!, e => (string?)e.GetProperty("value").GetString());
        environment.Remove("ASPNETCORE_HTTP_PORTS");
        environment.Remove("Gateway__Server__ShutdownDelay");
        // The volume the snapshot lives on exists only in the cluster.
        environment.Remove("MetricCollector__SnapshotPath");
        using var upstream = WireMock.Server.WireMockServer.Start();
        upstream.Given(WireMock.RequestBuilders.Request.Create().UsingGet()).RespondWith(WireMock.ResponseBuilders.Response.Create().WithBody("new route"));
        string mount = Directory.CreateTempSubdirectory("configmap-").FullName;
        try
        {
            // The kubelet's layout: the file links to ..data/, and ..data links to the current version's directory.
            void Version(string name, string json)
            {
                Directory.CreateDirectory(Path.Combine(mount, name));
                File.WriteAllText(Path.Combine(mount, name, "proxy-config.json"), json);
            }

            using var first = new MetricCollector.Gateway.Tests.Proxy.ProxyConfigFile();
            Version("..v1", await File.ReadAllTextAsync(first.Route("old", "c", "/old/{**rest}").Cluster("c", upstream.Url!).Write()));
            File.CreateSymbolicLink(Path.Combine(mount, "..data"), "..v1");
            File.CreateSymbolicLink(Path.Combine(mount, "proxy-config.json"), "..data/proxy-config.json");
            await using var gateway = await RunningGatewayProcess.StartAsync(environment, "--proxy-config", Path.Combine(mount, "proxy-config.json"));

            using var second = new MetricCollector.Gateway.Tests.Proxy.ProxyConfigFile();
            Version("..v2", await File.ReadAllTextAsync(second.Route("added", "c", "/added/{**rest}").Cluster("c", upstream.Url!).Write()));
            File.CreateSymbolicLink(Path.Combine(mount, "..data_tmp"), "..v2");
            // As the kubelet swaps it: one rename(2) over the old link (.NET's moves refuse a link to a directory).
            var (renamed, output) = await ExpositionOracles.RunAsync("/bin/mv", ["-T", Path.Combine(mount, "..data_tmp"), Path.Combine(mount, "..data")], "");
            Assert.True(renamed == 0, output);

            Assert.True(await Poll.UntilAsync(async () =>
            {
                using var response = await gateway.Client.GetAsync("/added/x");
                return response.StatusCode == HttpStatusCode.OK;
            }));
        }
        finally
        {
            Directory.Delete(mount, recursive: true);
        }
    }
}
