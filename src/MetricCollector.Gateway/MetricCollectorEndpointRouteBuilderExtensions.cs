using MetricCollector.Gateway.Exposition;
using MetricCollector.Gateway.Proxy;
using MetricCollector.Gateway.Recording;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Maps the collector's endpoints in a host.</summary>
public static class MetricCollectorEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Maps <c>POST /record</c>, <c>GET /metrics</c> (and <c>HEAD</c>: its headers only), and the deletes: <c>DELETE /metrics/{name}</c> (series of one
    /// metric, filtered by label values in the query) and <c>DELETE /metrics</c> (every pushed series).
    /// </summary>
    /// <param name="endpoints">The host's endpoint builder.</param>
    /// <returns>A group holding both endpoints, to add conventions such as authorization.</returns>
    public static RouteGroupBuilder MapMetricCollector(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var group = endpoints.MapGroup("");
        RecordEndpoint? record = null;
        group.MapPost("/record", context => (record ??= context.RequestServices.GetRequiredService<RecordEndpoint>()).HandleAsync(context))
            .WithName("RecordMetrics");
        // HEAD wherever GET, as HTTP expects: the same headers, no exposition written.
        group.MapMethods("/metrics", [HttpMethods.Get, HttpMethods.Head], MetricsEndpoint.HandleAsync).WithName("ScrapeMetrics");
        group.MapDelete(ReservedPaths.MetricByName, SeriesDeletionEndpoint.DeleteMetricAsync).WithName("DeleteMetricSeries");
        group.MapDelete("/metrics", SeriesDeletionEndpoint.WipeAsync).WithName("WipePushedSeries");
        return group;
    }
}
