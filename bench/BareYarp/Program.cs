// Bare YARP: the same proxy-config as the gateway under test, no instrumentation, no collector.
// --ProxyConfig <file> reads the routes and clusters (HttpClient settings included) from the gateway's proxy-config
// file; the command line still overrides it, as in the gateway.
var builder = WebApplication.CreateBuilder(args);
if (builder.Configuration["ProxyConfig"] is { Length: > 0 } proxyConfig)
{
    builder.Configuration.AddJsonFile(Path.GetFullPath(proxyConfig), optional: false);
    builder.Configuration.AddEnvironmentVariables();
    builder.Configuration.AddCommandLine(args);
}

builder.Services.AddReverseProxy().LoadFromConfig(builder.Configuration.GetSection("ReverseProxy"));
var app = builder.Build();
// The host tuning the gateway has (src/MetricCollector.Gateway/Hosting/RouteAuthorization.cs), so that the comparison
// measures the instrumentation alone: ASP.NET's authorization middleware only for endpoints that ask for it, instead
// of on every request (YARP registers authorization, so the host would add it).
app.UseRouting();
app.UseWhen(static context => context.GetEndpoint()?.Metadata is { } metadata
        && (metadata.GetMetadata<Microsoft.AspNetCore.Authorization.IAuthorizeData>() is not null
            || metadata.GetMetadata<Microsoft.AspNetCore.Authorization.AuthorizationPolicy>() is not null
            || metadata.GetMetadata<Microsoft.AspNetCore.Authorization.IAuthorizationRequirementData>() is not null),
    static branch => branch.UseAuthorization());
((IApplicationBuilder)app).Properties["__AuthorizationMiddlewareSet"] = true;
app.MapReverseProxy();
app.Run();
