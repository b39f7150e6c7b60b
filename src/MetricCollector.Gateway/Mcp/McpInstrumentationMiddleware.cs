using System.Diagnostics;
using MetricCollector.Gateway.Proxy;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Http.Features;
using Yarp.ReverseProxy.Forwarder;

namespace MetricCollector.Gateway.Mcp;

/// <summary>
/// On MCP routes: reads the JSON-RPC method (and tool) of each POST without consuming the body, so the upstream gets
/// it byte for byte; times each call to its response headers; and sorts the outcome into ok, a JSON-RPC error in a
/// JSON response, or an HTTP error. Bodies that are not JSON or larger than the peek limit pass unread.
/// </summary>
internal sealed class McpInstrumentationMiddleware(RequestDelegate next, McpMetrics metrics)
{
    private readonly int _peekLimit = metrics.Options.PeekLimitBytes;

    // Not async itself: requests on other routes pass straight on, with no state machine of this step's own.
    public Task InvokeAsync(HttpContext context)
    {
        var route = metrics.For(context.GetReverseProxyFeature().Route);
        return route is null || !HttpMethods.IsPost(context.Request.Method) ? next(context) : InvokeMcpAsync(context, route);
    }

    private async Task InvokeMcpAsync(HttpContext context, McpRoute route)
    {
        long start = Stopwatch.GetTimestamp();
        List<McpCall> calls;
        try
        {
            calls = await PeekCallsAsync(context, route);
        }
        catch (Exception e) when (PeekFailed(context, e) is { } failure)
        {
            // Answered as YARP answers a body that fails while it forwards one (400 for a malformed body, nothing for a
            // client that left), counted and logged (once a minute) by the instrumentation as request_body_client or
            // request_body_canceled. Thrown on, Kestrel logged an error with a stack trace for every such request.
            context.Features.Set<IForwarderErrorFeature>(failure);
            if (e is BadHttpRequestException bad)
            {
                context.Response.StatusCode = bad.StatusCode;
            }

            // No next request on this HTTP/1.x connection: the peek examined the body without consuming it, so Kestrel
            // cannot reset its input after the failed read, and reading the next request failed "Reading is already in
            // progress", a warning with a stack trace for every client that closed mid-body (a review). An HTTP/2
            // stream's failure leaves its connection's other streams alone.
            if (!HttpProtocol.IsHttp2(context.Request.Protocol) && !HttpProtocol.IsHttp3(context.Request.Protocol))
            {
                context.Features.Get<IConnectionLifetimeNotificationFeature>()?.RequestClose();
            }

            return;
        }

        var timing = new HeadersTiming();
        context.Response.OnStarting(HeadersTiming.Mark, timing);
        // The server's own body feature is put back afterwards, so that it, not a wrapper, completes the response.
        var serverBody = context.Features.GetRequiredFeature<IHttpResponseBodyFeature>();
        using var capture = new ResponseCaptureStream(serverBody.Stream, context.Response, _peekLimit);
        var capturingBody = new StreamResponseBodyFeature(capture, serverBody);
        context.Features.Set<IHttpResponseBodyFeature>(capturingBody);
        try
        {
            await next(context);

            // Anything written through the feature's PipeWriter rather than its stream must reach the client.
            await capturingBody.Writer.FlushAsync(CancellationToken.None);
        }
        finally
        {
            context.Features.Set(serverBody);
            double seconds = Stopwatch.GetElapsedTime(start, timing.At == 0 ? Stopwatch.GetTimestamp() : timing.At).TotalSeconds;
            Record(context, route, calls, capture, seconds);
        }
    }

    private static void Record(HttpContext context, McpRoute route, List<McpCall> calls, ResponseCaptureStream capture, double seconds)
    {
        var error = context.Features.Get<IForwarderErrorFeature>()?.Error ?? ForwarderError.None;
        // A client that left (an event stream closed midway, a call given up on) is not a failed call: the server may
        // well have done its part. An upstream that failed is, though YARP then aborts the client's connection too,
        // which sets RequestAborted a moment later or sooner (a review saw 7 of 100 upstream resets counted canceled).
        bool canceled = GatewayInstrumentationMiddleware.IsCanceledByClient(error)
            || (context.RequestAborted.IsCancellationRequested && !IsDestinationFailure(error));
        bool httpError = !canceled && (context.Response.StatusCode >= 400 || error != ForwarderError.None);
        var errors = httpError || canceled ? null : McpMessageReader.ReadErrors(capture.CapturedJson());
        foreach (var call in calls)
        {
            string outcome = "ok";
            if (canceled)
            {
                outcome = "canceled";
            }
            else if (httpError)
            {
                outcome = "http_error";
            }
            // One error object answering the whole body (not an array): every call of it failed, a batch too (a server
            // that takes no batches answers one with a single "Invalid Request"; a review saw its calls counted ok).
            else if (errors is not null && (errors.TryGetValue("", out int? code) || errors.TryGetValue(call.Id ?? "", out code)))
            {
                if (code is int jsonRpcCode)
                {
                    outcome = "jsonrpc_error";
                    route.CountError(call, jsonRpcCode);
                }
                else
                {
                    // The tool ran and failed ("isError": true in its result): MCP's way, not a JSON-RPC error.
                    outcome = "tool_error";
                }
            }

            route.Count(call, outcome, seconds);
        }
    }

    /// <summary>Buffers the body in the request pipe without consuming it, up to the peek limit, and reads its calls.</summary>
    private async Task<List<McpCall>> PeekCallsAsync(HttpContext context, McpRoute route)
    {
        var request = context.Request;
        // A body in a Content-Encoding is not JSON as it stands: it is passed on unread, not counted malformed.
        if (!IsJson(request.ContentType) || request.ContentLength > _peekLimit || !IsIdentity(request.Headers.ContentEncoding))
        {
            return [new McpCall(McpMethods.Unparsed, "", null)];
        }

        ApplyRouteBodyLimit(context);
        var reader = request.BodyReader;
        while (true)
        {
            var result = await reader.ReadAsync(context.RequestAborted);
            var buffer = result.Buffer;
            if (buffer.Length > _peekLimit)
            {
                reader.AdvanceTo(buffer.Start);
                return [new McpCall(McpMethods.Unparsed, "", null)];
            }

            if (result.IsCompleted)
            {
                var calls = McpMessageReader.ReadCalls(buffer, route.Tools);
                reader.AdvanceTo(buffer.Start);
                return calls;
            }

            // Nothing consumed, everything examined: the next read waits for more of the body.
            reader.AdvanceTo(buffer.Start, buffer.End);
        }
    }

    /// <summary>
    /// The route's <c>MaxRequestBodySize</c>, as YARP's own step applies it at the end of the proxy pipeline: by then
    /// this peek has started reading the body and the limit can no longer change, so an MCP route kept Kestrel's
    /// 30 MB whatever it said (a lower limit let larger bodies through, a higher one or -1 answered 413).
    /// </summary>
    private static void ApplyRouteBodyLimit(HttpContext context)
    {
        if (context.GetReverseProxyFeature().Route.Config.MaxRequestBodySize is long limit
            && context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size)
        {
            size.MaxRequestBodySize = limit == -1 ? null : limit;
        }
    }

    /// <summary>The failure of a body read that the client caused (a malformed body, a reset, leaving), or null.</summary>
    private static PeekFailure? PeekFailed(HttpContext context, Exception e) => e switch
    {
        OperationCanceledException when context.RequestAborted.IsCancellationRequested => new PeekFailure(ForwarderError.RequestBodyCanceled, e),
        // BadHttpRequestException derives from IOException: both are the client's body.
        IOException => new PeekFailure(ForwarderError.RequestBodyClient, e),
        _ => null,
    };

    /// <summary>Whether the upstream, not the client, failed the request (YARP's errors naming the destination).</summary>
    private static bool IsDestinationFailure(ForwarderError error) => error is ForwarderError.Request or ForwarderError.RequestTimedOut
        or ForwarderError.RequestBodyDestination or ForwarderError.ResponseHeaders or ForwarderError.ResponseBodyDestination
        or ForwarderError.UpgradeRequestDestination or ForwarderError.UpgradeResponseDestination or ForwarderError.NoAvailableDestinations;

    private static bool IsIdentity(Microsoft.Extensions.Primitives.StringValues codings) =>
        codings.Count == 0 || (codings.Count == 1 && string.Equals(codings[0]?.Trim(), "identity", StringComparison.OrdinalIgnoreCase));

    private static bool IsJson(string? contentType) =>
        contentType is not null && contentType.StartsWith("application/json", StringComparison.OrdinalIgnoreCase);

    /// <summary>When the response headers went out (0 until then).</summary>
    private sealed class HeadersTiming
    {
        public static readonly Func<object, Task> Mark = state =>
        {
            ((HeadersTiming)state).At = Stopwatch.GetTimestamp();
            return Task.CompletedTask;
        };

        public long At { get; private set; }
    }
}
