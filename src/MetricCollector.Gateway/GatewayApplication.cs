using MetricCollector.Demo;
using MetricCollector.Gateway.Health;
using MetricCollector.Gateway.Hosting;
using MetricCollector.Gateway.Proxy;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;
using Yarp.ReverseProxy.Configuration;

namespace MetricCollector.Gateway;

/// <summary>Builds the gateway host from command-line arguments; shared by <c>Program</c> and the tests.</summary>
internal static class GatewayApplication
{
    private const string ReadyTag = "ready";

    /// <summary>
    /// Builds and starts the gateway. A setting it cannot start with, wherever the host finds it out (options validation,
    /// binding, Kestrel's addresses, YARP's configuration), is reported as a <see cref="GatewayStartupException"/> naming
    /// it; the options are validated before any hosted service starts, so a bad setting starts no health probe.
    /// </summary>
    /// <param name="args">The command line.</param>
    /// <param name="beforeStart">Called with the built host before it starts (a host embedding the gateway, or a test, adds a log provider).</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    public static async Task<WebApplication> StartAsync(string[] args, Action<WebApplication>? beforeStart = null, CancellationToken cancellationToken = default)
    {
        var commandLine = GatewayCommandLine.Parse(args);
        WebApplication? app = null;
        try
        {
            app = await BuildAsync(commandLine, cancellationToken);
            beforeStart?.Invoke(app);
            app.Services.GetService<IStartupValidator>()?.Validate();
            await app.StartAsync(cancellationToken);
            return app;
        }
        catch (GatewayStartupException)
        {
            await DisposeAsync(app);
            throw;
        }
        catch (Exception e) when (StartupFailure.Explain(e, app?.Configuration, commandLine.ResolveProxyConfig()) is { } message)
        {
            await DisposeAsync(app);
            throw new GatewayStartupException(message);
        }
    }

    private static async Task DisposeAsync(WebApplication? app)
    {
        if (app is not null)
        {
            await app.DisposeAsync();
        }
    }

    private static async Task<WebApplication> BuildAsync(GatewayCommandLine commandLine, CancellationToken cancellationToken)
    {
        // appsettings.json is read from beside the binaries, wherever the gateway is started from.
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = commandLine.Remaining,
            ContentRootPath = AppContext.BaseDirectory,
        });
        try
        {
            return await BuildAsync(builder, commandLine, cancellationToken);
        }
        catch
        {
            // The configuration watches its files (appsettings.json, the proxy-config file); a start that fails before
            // the host owns it would otherwise keep those watchers, and inotify instances are few.
            ((IDisposable)builder.Configuration).Dispose();
            throw;
        }
    }

    private static async Task<WebApplication> BuildAsync(WebApplicationBuilder builder, GatewayCommandLine commandLine, CancellationToken cancellationToken)
    {
        // The proxy-config file is reloaded on change (YARP picks up new routes); the environment and the command line
        // still override what it says, as for every other setting. An edit that cannot be read is logged and ignored.
        var proxyConfig = new ProxyConfigFileSource(commandLine.ResolveProxyConfig());
        try
        {
            ((IConfigurationBuilder)builder.Configuration).Add(proxyConfig);
        }
        catch (InvalidDataException e) when (e.InnerException is FormatException format)
        {
            throw new GatewayStartupException($"The proxy-config file '{proxyConfig.FullPath}' could not be read: {format.InnerException?.Message ?? format.Message}");
        }

        DemoBackends? demo = null;
        if (commandLine.Demo)
        {
            demo = await DemoBackends.StartAsync(cancellationToken);
            builder.Configuration.AddInMemoryCollection(demo.ConfigurationOverrides());
            builder.Services.AddHostedService<DemoTraffic>();
        }

        builder.Configuration.AddEnvironmentVariables();
        builder.Configuration.AddCommandLine(commandLine.Remaining);

        ConfigurationShape.Check(builder.Configuration);
        builder.Services.AddOptions<GatewayServerOptions>().BindConfiguration(GatewayServerOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<KestrelLimitsSetup>();
        builder.Services.AddSingleton<IConfigureOptions<KestrelServerOptions>>(sp => sp.GetRequiredService<KestrelLimitsSetup>());
        builder.Services.AddSingleton<IConfigureOptions<HostOptions>>(sp => sp.GetRequiredService<KestrelLimitsSetup>());
        builder.Services.AddMetricCollector();
        builder.Services.AddProblemDetails();
        builder.Services.AddReverseProxy()
            .LoadFromConfig(builder.Configuration.GetSection("ReverseProxy"))
            .AddGatewayInstrumentation();
        // A reload YARP refuses is logged as one line naming the file (YARP's own error, off in appsettings.json, does not).
        builder.Services.AddSingleton<IConfigChangeListener>(sp => new ProxyConfigReloadLog(sp.GetRequiredService<ILogger<ProxyConfigReloadLog>>(), proxyConfig.FullPath));
        builder.Services.AddHealthChecks().AddCheck<ReadinessHealthCheck>("readiness", tags: [ReadyTag]);

        var app = builder.Build();
        proxyConfig.Logger = app.Services.GetRequiredService<ILogger<ProxyConfigFileProvider>>();
        if (demo is not null)
        {
            app.Lifetime.ApplicationStopped.Register(() => demo.DisposeAsync().AsTask().GetAwaiter().GetResult());
        }

        app.UseRouting();
        app.UseAuthorizationWhereRequired();
        app.UseUnmatchedRequests();
        MapGatewayEndpoints(app);
        app.MapReverseProxy(pipeline =>
        {
            pipeline.UseGatewayInstrumentation();
            pipeline.UseSessionAffinity();
            pipeline.UseLoadBalancing();
            pipeline.UsePassiveHealthChecks();
        });
        return app;
    }

    /// <summary>
    /// The gateway's own endpoints, ordered ahead of every proxy route so that no route, not even a catch-all, is
    /// ever given them; a reserved path asked with another method gets 405 rather than being forwarded.
    /// </summary>
    private static void MapGatewayEndpoints(WebApplication app)
    {
        app.MapMetricCollector().WithOrder(ReservedPaths.EndpointOrder);
        // MapHealthChecks answers every method; limited to GET and HEAD, the others fall to the 405 below.
        var healthMethods = new HttpMethodMetadata(ReservedPaths.HealthMethods);
        app.MapHealthChecks(ReservedPaths.Liveness, new HealthCheckOptions { Predicate = _ => false })
            .WithMetadata(healthMethods).WithOrder(ReservedPaths.EndpointOrder);
        app.MapHealthChecks(ReservedPaths.Readiness, new HealthCheckOptions { Predicate = check => check.Tags.Contains(ReadyTag) })
            .WithMetadata(healthMethods).WithOrder(ReservedPaths.EndpointOrder);
        foreach (string path in ReservedPaths.All)
        {
            app.Map(path, MethodNotAllowedEndpoint.For(ReservedPaths.AllowedMethods(path))).WithOrder(ReservedPaths.MethodGuardOrder);
        }
    }
}
