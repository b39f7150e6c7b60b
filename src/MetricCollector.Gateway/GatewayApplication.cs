namespace MetricCollector.Gateway;

/// <summary>Builds the gateway host from command-line arguments; shared by <c>Program</c> and the tests.</summary>
internal static class GatewayApplication
{
    public static WebApplication Build(string[] args)
    {
        var builder = WebApplication.CreateBuilder(args);
        builder.Services.AddMetricCollector();
        builder.Services.AddProblemDetails();

        var app = builder.Build();
        app.MapMetricCollector();
        return app;
    }
}
