using System.Diagnostics;

namespace MetricCollector.Gateway.Proxy;

/// <summary>
/// The answer for a reserved path asked with a method the gateway does not serve on it: 405 problem details with
/// <c>Allow</c>, counted as <c>route="unmatched"</c> like every other request that no route of its method serves.
/// </summary>
internal static class MethodNotAllowedEndpoint
{
    private const string Reason = "method_not_allowed";

    /// <summary>A handler answering 405 with <paramref name="allow"/> as the <c>Allow</c> header.</summary>
    public static RequestDelegate For(string allow)
    {
        // Neither the path (which holds a metric name on /metrics/{name}) nor the method is quoted back: both are sender input.
        string detail = $"this path answers only {allow}; see the Allow header.";
        GatewayMetrics? metrics = null;
        return context =>
        {
            long start = Stopwatch.GetTimestamp();
            var response = context.Response;
            response.Headers.Allow = allow;
            metrics ??= context.RequestServices.GetRequiredService<GatewayMetrics>();
            Task write;
            if (HttpMethods.IsHead(context.Request.Method))
            {
                // A HEAD answer has no body.
                response.StatusCode = StatusCodes.Status405MethodNotAllowed;
                write = Task.CompletedTask;
            }
            else
            {
                write = ProblemResponse.WriteAsync(context, StatusCodes.Status405MethodNotAllowed, Reason, "Method not allowed", detail, "method");
            }

            metrics.Unmatched.Observe(context.Request.Method, StatusCodes.Status405MethodNotAllowed, Stopwatch.GetElapsedTime(start).TotalSeconds);
            return write;
        };
    }
}
