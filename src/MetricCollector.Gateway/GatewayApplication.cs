using MetricCollector.Demo;
using MetricCollector.Gateway.Health;
using MetricCollector.Gateway.Hosting;
using MetricCollector.Gateway.Proxy;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
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
    /// <param name="beforeStart">Called with the host as soon as it is built, before its endpoints are mapped and it starts (a host embedding the gateway, or a test, adds a log provider).</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    public static async Task<WebApplication> StartAsync(string[] args, Action<WebApplication>? beforeStart = null, CancellationToken cancellationToken = default)
    {
        var commandLine = GatewayCommandLine.Parse(args);
        WebApplication? app = null;
        try
        {
            app = await BuildAsync(commandLine, beforeStart, cancellationToken);
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
            // The host's own entry of the failure, held back, goes with it: the one line says it all.
            await DisposeAsync(app);
            throw new GatewayStartupException(message);
        }
        catch when (app is not null)
        {
            // Not a setting: a bug or something unforeseen, whose stack trace is the clue. The host's entry of it is
            // written after all, and disposing the host flushes the console before the exception ends the process.
            app.Services.GetRequiredService<StartupFaultLog>().Release();
            await app.DisposeAsync();
            throw;
        }
    }

    private static async Task DisposeAsync(WebApplication? app)
    {
        if (app is not null)
        {
            await app.DisposeAsync();
        }
    }

    private static async Task<WebApplication> BuildAsync(GatewayCommandLine commandLine, Action<WebApplication>? beforeStart, CancellationToken cancellationToken)
    {
        // appsettings.json is read from beside the binaries, wherever the gateway is started from, unless --contentRoot
        // names another directory (set here: given in the options, the content root of the arguments would be ignored).
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = commandLine.Remaining,
            ContentRootPath = ContentRoot(commandLine.Remaining) ?? AppContext.BaseDirectory,
        });
        // Before the first socket of the process, the demo's stand-ins' included: .NET reads the setting only then.
        InlineSocketCompletions.Prepare(builder.Configuration);
        WebApplication? app = null;
        try
        {
            app = await BuildHostAsync(builder, commandLine, cancellationToken);
            beforeStart?.Invoke(app);
            UseGatewayPipeline(app);
            return app;
        }
        catch
        {
            // Once built, the host owns the configuration and the demo stand-ins: disposing it releases them. Before,
            // the configuration is disposed here: it watches its files (appsettings.json, the proxy-config file), and a
            // start that failed would otherwise keep those watchers, and inotify instances are few.
            if (app is null)
            {
                ((IDisposable)builder.Configuration).Dispose();
            }

            await DisposeAsync(app);

            throw;
        }
    }

    /// <summary>The <c>--contentRoot</c> of the arguments, in any form ASP.NET reads; a relative one from the working directory.</summary>
    private static string? ContentRoot(string[] args) =>
        new ConfigurationBuilder().AddCommandLine(args).Build()[WebHostDefaults.ContentRootKey] is { Length: > 0 } root
            ? Path.GetFullPath(root)
            : null;

    private static async Task<WebApplication> BuildHostAsync(WebApplicationBuilder builder, GatewayCommandLine commandLine, CancellationToken cancellationToken)
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
        try
        {
            if (commandLine.Demo)
            {
                var standIns = await DemoBackends.StartAsync(cancellationToken);
                demo = standIns;
                builder.Configuration.AddInMemoryCollection(standIns.ConfigurationOverrides());
                builder.Services.AddHostedService<DemoTraffic>();
                // Made by a factory, so that the host's container disposes them (it leaves instances it was given alone).
                builder.Services.AddSingleton(_ => standIns);
            }

            return BuildHost(builder, commandLine, proxyConfig, demo is not null);
        }
        catch when (demo is not null)
        {
            // The host was not built, so nothing else stops the stand-ins.
            await demo.DisposeAsync();
            throw;
        }
    }

    private static WebApplication BuildHost(WebApplicationBuilder builder, GatewayCommandLine commandLine, ProxyConfigFileSource proxyConfig, bool demo)
    {
        builder.Configuration.AddEnvironmentVariables();
        builder.Configuration.AddCommandLine(commandLine.Remaining);

        StartupFaultLog.AddTo(builder.Services);
        ConfigurationShape.Check(builder.Configuration);
        builder.Services.AddOptions<GatewayServerOptions>().BindStrictly(GatewayServerOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<GatewayServerSetup>();
        builder.Services.AddSingleton<IConfigureOptions<KestrelServerOptions>>(sp => sp.GetRequiredService<GatewayServerSetup>());
        builder.Services.AddSingleton<IConfigureOptions<SocketTransportOptions>>(sp => sp.GetRequiredService<GatewayServerSetup>());
        builder.Services.AddSingleton<IConfigureOptions<HostOptions>>(sp => sp.GetRequiredService<GatewayServerSetup>());
        builder.Services.AddSingleton<ShutdownDelayService>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<ShutdownDelayService>());
        builder.Services.AddMetricCollector();
        builder.Services.AddProblemDetails();
        builder.Services.AddReverseProxy()
            .LoadFromConfig(builder.Configuration.GetSection("ReverseProxy"))
            .AddGatewayInstrumentation()
            .AddConfigFilter<RouteMiddlewareFilter>();
        // A reload YARP refuses is logged as one line naming the file (YARP's own error, off in appsettings.json, does not).
        builder.Services.AddSingleton<IConfigChangeListener>(sp => new ProxyConfigReloadLog(sp.GetRequiredService<ILogger<ProxyConfigReloadLog>>(), proxyConfig.FullPath, sp.GetRequiredService<TimeProvider>()));
        builder.Services.AddHealthChecks().AddCheck<ReadinessHealthCheck>("readiness", tags: [ReadyTag]);

        var app = builder.Build();
        if (demo)
        {
            // The container now holds the stand-ins: disposing the host stops them, after a stop as after a failed start.
            app.Services.GetRequiredService<DemoBackends>();
        }

        proxyConfig.Logger = app.Services.GetRequiredService<ILogger<ProxyConfigFileProvider>>();
        return app;
    }

    private static void UseGatewayPipeline(WebApplication app)
    {
        // Before routing, which would give //record to a catch-all route: the gateway's own paths are never forwarded.
        app.Use(static (context, next) =>
        {
            if (ReservedPaths.WithSlashesMerged(context.Request.Path.Value) is { } reserved)
            {
                // new PathString, not the implicit conversion: that decodes percent-escapes a second time, so that
                // //metrics/a%255Fb would have named a_b.
                context.Request.Path = new PathString(reserved);
            }

            return next(context);
        });
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
        app.MapHealthChecks(ReservedPaths.Readiness, new HealthCheckOptions { Predicate = check => check.Tags.Contains(ReadyTag), ResponseWriter = ReadinessResponse.WriteAsync })
            .WithMetadata(healthMethods).WithOrder(ReservedPaths.EndpointOrder);
        foreach (string path in ReservedPaths.All)
        {
            app.Map(path, MethodNotAllowedEndpoint.For(ReservedPaths.AllowedMethods(path))).WithOrder(ReservedPaths.MethodGuardOrder);
        }
    }
}
