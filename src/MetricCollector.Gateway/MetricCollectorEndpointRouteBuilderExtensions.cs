using MetricCollector.Gateway.Exposition;
using MetricCollector.Gateway.Recording;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Maps the collector's endpoints in a host.</summary>
public static class MetricCollectorEndpointRouteBuilderExtensions
{
    /// <summary>Maps <c>POST /record</c> and <c>GET /metrics</c>.</summary>
    /// <param name="endpoints">The host's endpoint builder.</param>
    /// <returns>A group holding both endpoints, to add conventions such as authorization.</returns>
    public static RouteGroupBuilder MapMetricCollector(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var group = endpoints.MapGroup("");
        group.MapPost("/record", RecordEndpoint.HandleAsync).WithName("RecordMetrics");
        group.MapGet("/metrics", MetricsEndpoint.HandleAsync).WithName("ScrapeMetrics");
        return group;
    }
}
