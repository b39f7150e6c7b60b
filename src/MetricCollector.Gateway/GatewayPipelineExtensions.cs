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

    /// <summary>
    /// Answers requests that no route matched with 404 problem details, counted as <c>route="unmatched"</c>, and counts
    /// the 503s YARP answers for a route whose ClusterId names no cluster (its proxy pipeline never runs). Put it after
    /// <c>UseRouting()</c>.
    /// </summary>
    /// <param name="app">The host's pipeline.</param>
    /// <returns>The same pipeline, for chaining.</returns>
    public static IApplicationBuilder UseUnmatchedRequests(this IApplicationBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        return app.UseMiddleware<UnmatchedRequestMiddleware>();
    }
}
