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
app.MapReverseProxy();
app.Run();
