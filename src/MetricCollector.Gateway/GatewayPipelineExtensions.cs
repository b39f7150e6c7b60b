using MetricCollector.Gateway.Mcp;
using MetricCollector.Gateway.Proxy;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Adds the auto-instrumentation step to YARP's proxy pipeline.</summary>
public static class GatewayPipelineExtensions
{
    /// <summary>
    /// Counts and times every proxied request, and on MCP routes each JSON-RPC call by method and tool. Put it first in <c>MapReverseProxy(pipeline => ...)</c>, so that it also
    /// sees the requests YARP answers itself (503 without a healthy destination).
    /// </summary>
    /// <param name="pipeline">YARP's proxy pipeline.</param>
    /// <returns>The same pipeline, for chaining.</returns>
    public static IReverseProxyApplicationBuilder UseGatewayInstrumentation(this IReverseProxyApplicationBuilder pipeline)
    {
        ArgumentNullException.ThrowIfNull(pipeline);
        pipeline.UseMiddleware<GatewayInstrumentationMiddleware>();
        pipeline.UseMiddleware<McpInstrumentationMiddleware>();
        return pipeline;
    }

    /// <summary>Answers requests no route matched with 404 problem details, counted as <c>route="unmatched"</c>.</summary>
    /// <param name="endpoints">The host's endpoints.</param>
    /// <returns>The fallback endpoint's builder.</returns>
    public static IEndpointConventionBuilder MapUnmatchedFallback(this IEndpointRouteBuilder endpoints) =>
        endpoints.MapFallback(UnmatchedEndpoint.HandleAsync);
}
