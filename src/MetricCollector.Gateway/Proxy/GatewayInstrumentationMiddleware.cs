using System.Diagnostics;
using Yarp.ReverseProxy.Forwarder;

namespace MetricCollector.Gateway.Proxy;

/// <summary>
/// First step of the proxy pipeline: counts and times every proxied request by route, cluster, method and final
/// status (also 502/503/504 that YARP answers itself), tracks requests in flight, and counts forwarder errors.
/// A request the client gave up on before any response was sent is labelled 499 (nginx's "client closed request"),
/// not the 400 YARP sets: a hung backend whose clients time out must not look like clients sending bad requests.
/// </summary>
internal sealed class GatewayInstrumentationMiddleware(RequestDelegate next, GatewayMetrics metrics, UpstreamErrorLog errorLog)
{
    /// <summary>The <c>code</c> label of a request whose client went away before a response was sent.</summary>
    internal const int ClientClosedRequest = 499;

    public async Task InvokeAsync(HttpContext context)
    {
        var route = metrics.For(context.GetReverseProxyFeature().Route);
        long start = Stopwatch.GetTimestamp();
        route.InFlight.Inc();
        int failed = 0;
        try
        {
            await next(context);
        }
        catch (Exception e) when (!context.Response.HasStarted)
        {
            // An exception escaping before the response started (a failed body read in the MCP peek) leaves the
            // status at its default 200: the label is what Kestrel answers instead, or 499 for a client that left.
            failed = ClientFailureStatus(e, context.RequestAborted) ?? StatusCodes.Status500InternalServerError;
            throw;
        }
        finally
        {
            route.InFlight.Dec();
            var error = context.Features.Get<IForwarderErrorFeature>();
            int status = failed != 0 ? failed : StatusOf(context, error);
            if (status == ClientClosedRequest && !context.Response.HasStarted
                && (failed != 0 || error is { Error: not ForwarderError.None } || context.RequestAborted.IsCancellationRequested))
            {
                // The client went away mid-body (not an upstream answering 499): Kestrel would try to drain the rest from
                // the dead connection and log an error for each such request (Kestrel[67], a review's reset clients);
                // there is no one to answer.
                context.Abort();
            }

            route.Observe(context.Request.Method, status, Stopwatch.GetElapsedTime(start).TotalSeconds);
            if (error is { Error: not ForwarderError.None })
            {
                route.CountError(error.Error);
                errorLog.Failed(route, error);
            }
        }
    }

    /// <summary>Whether <paramref name="error"/> is one of YARP's errors for a client that cancelled or went away.</summary>
    internal static bool IsCanceledByClient(ForwarderError error) =>
        error is ForwarderError.RequestCanceled or ForwarderError.RequestBodyCanceled or ForwarderError.ResponseBodyCanceled;

    /// <summary>The <c>code</c> label of a request that returned: the status sent, or 499 for a client that went away first.</summary>
    private static int StatusOf(HttpContext context, IForwarderErrorFeature? error)
    {
        int status = context.Response.StatusCode;
        if (context.Response.HasStarted)
        {
            return status;
        }

        switch (error?.Error)
        {
            // YARP answers these 400 when nothing was sent yet.
            case { } canceled when IsCanceledByClient(canceled):
                return ClientClosedRequest;

            // Reading from or writing to the client failed: its exception says whether the client is gone (499) or
            // sent a malformed body and is still there for the 400. RequestAborted is no guide here: whether it is
            // set yet when a reset connection fails the read is a race.
            case ForwarderError.RequestBodyClient or ForwarderError.ResponseBodyClient when error.Exception is { } e:
                return ClientFailureStatus(e, context.RequestAborted) ?? status;
        }

        return context.RequestAborted.IsCancellationRequested ? ClientClosedRequest : status;
    }

    /// <summary>
    /// The status of a request whose client connection failed: 499 for a client that went away (reset, closed, aborted),
    /// the status Kestrel answers a malformed request with, or null for an exception that says neither. YARP reports a
    /// failed body copy as an AggregateException of the read's and the send's exceptions.
    /// </summary>
    private static int? ClientFailureStatus(Exception e, CancellationToken requestAborted)
    {
        if (e is AggregateException all)
        {
            int? found = null;
            foreach (var inner in all.InnerExceptions)
            {
                int? status = ClientFailureStatus(inner, requestAborted);
                if (status == ClientClosedRequest)
                {
                    return status;
                }

                found ??= status;
            }

            return found;
        }

        return e switch
        {
            // Before IOException, which it derives from.
            BadHttpRequestException bad => IsEndOfInput(bad) ? ClientClosedRequest : bad.StatusCode,
            IOException => ClientClosedRequest,
            OperationCanceledException when requestAborted.IsCancellationRequested => ClientClosedRequest,
            _ => null,
        };
    }

    // Kestrel reports a connection whose input ended mid-body (the client closed or reset it) as a 400, but aborts the
    // response and sends nothing: the client is gone. The reason is internal to Kestrel, so its message is the only
    // public mark; RequestAborted is cancelled later, from the thread pool, so it cannot tell (a reset was counted
    // 400 in most runs).
    private const string UnexpectedEndOfRequestContent = "Unexpected end of request content.";

    internal static bool IsEndOfInput(BadHttpRequestException e) =>
        string.Equals(e.Message, UnexpectedEndOfRequestContent, StringComparison.Ordinal);
}
