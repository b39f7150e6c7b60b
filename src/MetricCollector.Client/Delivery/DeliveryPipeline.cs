using System.Net;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.CircuitBreaker;
using Polly.Retry;
using Polly.Timeout;

namespace MetricCollector.Client.Delivery;

/// <summary>
/// The resilience around one send: retries with exponential backoff and jitter (or the collector's <c>Retry-After</c>)
/// outside, a circuit breaker inside them so that an open circuit also cuts the retries short, and a timeout per attempt.
/// </summary>
internal static class DeliveryPipeline
{
    // opened is told why the circuit opened: an open circuit's own exception does not say.
    public static ResiliencePipeline<HttpResponseMessage> Create(
        MetricCollectorClientOptions options, ClientCounters counters, ILogger logger, TimeProvider time, Action<string> opened)
    {
        var transient = new PredicateBuilder<HttpResponseMessage>()
            .Handle<HttpRequestException>()
            .Handle<TimeoutRejectedException>()
            .HandleResult(response => CollectorAnswer.IsTransient(response.StatusCode));
        var builder = new ResiliencePipelineBuilder<HttpResponseMessage> { TimeProvider = time };
        if (options.MaxRetryAttempts > 0)
        {
            var maxDelay = options.MaxRetryDelay;
            builder.AddRetry(new RetryStrategyOptions<HttpResponseMessage>
            {
                ShouldHandle = transient,
                MaxRetryAttempts = options.MaxRetryAttempts,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = options.RetryDelay,
                MaxDelay = maxDelay,
                DelayGenerator = args => ValueTask.FromResult(RetryAfter(args.Outcome.Result, maxDelay, time)),
                OnRetry = _ =>
                {
                    counters.CountRetry();
                    return default;
                },
            });
        }

        // A probe of the half-open circuit that is cancelled (the client stopping, a caller's token) proved nothing:
        // Polly would count it a success and close the circuit, and the final flush would then wait out its deadline
        // on the dead collector. It counts as a failure instead, so the circuit stays open.
        var circuit = new CircuitBreakerStateProvider();
        var circuitLog = new CircuitLog(logger, time);
        Func<CircuitBreakerPredicateArguments<HttpResponseMessage>, ValueTask<bool>> isTransient = transient;
        builder.AddCircuitBreaker(new CircuitBreakerStrategyOptions<HttpResponseMessage>
        {
            StateProvider = circuit,
            ShouldHandle = args => IsCancelled(args.Context, args.Outcome) && circuit.CircuitState == CircuitState.HalfOpen ? PredicateResult.True() : isTransient(args),
            FailureRatio = options.CircuitBreakerFailureRatio,
            MinimumThroughput = options.CircuitBreakerMinimumThroughput,
            SamplingDuration = options.CircuitBreakerSamplingDuration,
            BreakDuration = options.CircuitBreakerBreakDuration,
            OnOpened = args =>
            {
                if (IsCancelled(args.Context, args.Outcome))
                {
                    // Open again after a cancelled probe: nothing new failed, and the last problem still stands.
                    return default;
                }

                string problem = Describe(args.Outcome);
                opened(problem);
                circuitLog.Opened(args.BreakDuration.TotalSeconds, problem);
                return default;
            },
            OnClosed = _ =>
            {
                circuitLog.Closed();
                return default;
            },
        });
        builder.AddTimeout(options.AttemptTimeout);
        return builder.Build();
    }

    /// <summary>The wait the collector asked for (seconds or a date), at most <paramref name="maxDelay"/>; null to back off as usual.</summary>
    internal static TimeSpan? RetryAfter(HttpResponseMessage? response, TimeSpan maxDelay, TimeProvider time)
    {
        var header = response?.Headers.RetryAfter;
        var delay = header?.Delta ?? (header?.Date - time.GetUtcNow());
        if (delay is not { } wait)
        {
            return null;
        }

        return wait < TimeSpan.Zero ? TimeSpan.Zero : wait > maxDelay ? maxDelay : wait;
    }

    /// <summary>Whether the attempt ended because its caller cancelled it, not because the collector failed.</summary>
    private static bool IsCancelled(ResilienceContext context, Outcome<HttpResponseMessage> outcome) =>
        outcome.Exception is OperationCanceledException && context.CancellationToken.IsCancellationRequested;

    private static string Describe(Outcome<HttpResponseMessage> outcome) =>
        outcome.Exception?.Message ?? $"{(int)(outcome.Result?.StatusCode ?? HttpStatusCode.InternalServerError)} {outcome.Result?.ReasonPhrase}";
}
