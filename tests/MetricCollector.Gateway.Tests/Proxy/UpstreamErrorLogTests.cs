using MetricCollector.Collector;
using MetricCollector.Gateway.Proxy;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Yarp.ReverseProxy.Forwarder;

namespace MetricCollector.Gateway.Tests.Proxy;

/// <summary>
/// <see cref="UpstreamErrorLog"/> against a fake clock: each kind of upstream error (route and error) gets its own line
/// and then one a minute while it goes on, so that a dead backend under load neither floods the log nor hides the first
/// error of another backend.
/// </summary>
public sealed class UpstreamErrorLogTests : IDisposable
{
    private const int Failed = 20;
    private const int FailedAgain = 21;

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero));
    private readonly CapturedLogs _logs = new();
    private readonly ILoggerFactory _loggers;
    private readonly PrometheusMetricCollector _collector;
    private readonly GatewayMetrics _metrics;
    private readonly UpstreamErrorLog _log;

    public UpstreamErrorLogTests()
    {
        _loggers = LoggerFactory.Create(b => b.AddProvider(_logs).SetMinimumLevel(LogLevel.Trace));
        _collector = new PrometheusMetricCollector(Options.Create(new MetricCollectorOptions()), NullLogger<PrometheusMetricCollector>.Instance, _time);
        _metrics = new GatewayMetrics(_collector, Options.Create(new GatewayInstrumentationOptions()));
        _log = new UpstreamErrorLog(_loggers.CreateLogger<UpstreamErrorLog>(), _time);
    }

    public void Dispose()
    {
        _loggers.Dispose();
        _collector.Dispose();
    }

    private List<(LogLevel Level, int EventId, string Category, string Message)> Lines => [.. _logs.Entries];

    [Fact]
    public void A_flood_of_one_error_is_one_line_and_the_first_error_of_another_route_or_kind_still_gets_its_own()
    {
        var dead = new RouteMetrics(_metrics, "dead", "dead");
        var slow = new RouteMetrics(_metrics, "slow", "slow");
        for (int i = 0; i < 500; i++)
        {
            _log.Failed(dead, new ErrorFeature(ForwarderError.Request, new HttpRequestException("Connection refused (127.0.0.1:5101)")));
            _time.Advance(TimeSpan.FromMilliseconds(10));
        }

        _log.Failed(slow, new ErrorFeature(ForwarderError.RequestTimedOut, new TaskCanceledException("The operation was canceled.")));
        _log.Failed(dead, new ErrorFeature(ForwarderError.ResponseBodyDestination, new IOException("The response ended prematurely.")));

        Assert.Equal(
            [
                (LogLevel.Warning, Failed, "Upstream error on route 'dead' (cluster 'dead'): request: Connection refused (127.0.0.1:5101)"),
                (LogLevel.Warning, Failed, "Upstream error on route 'slow' (cluster 'slow'): request_timed_out: The operation was canceled."),
                (LogLevel.Warning, Failed, "Upstream error on route 'dead' (cluster 'dead'): response_body_destination: The response ended prematurely."),
            ],
            Lines.ConvertAll(l => (l.Level, l.EventId, l.Message)));
    }

    [Fact]
    public void An_error_that_goes_on_is_logged_again_once_a_minute_with_how_many_were_not_logged()
    {
        var dead = new RouteMetrics(_metrics, "dead", "dead");
        var refused = new ErrorFeature(ForwarderError.Request, new HttpRequestException("Connection refused (127.0.0.1:5101)"));

        // 120 errors a minute for three minutes: a line at 0 s, then one at the first error of each later minute.
        for (int i = 0; i < 360; i++)
        {
            _log.Failed(dead, refused);
            _time.Advance(TimeSpan.FromSeconds(0.5));
        }

        Assert.Equal(
            [
                (Failed, "Upstream error on route 'dead' (cluster 'dead'): request: Connection refused (127.0.0.1:5101)"),
                (FailedAgain, "Upstream error on route 'dead' (cluster 'dead'): request: Connection refused (127.0.0.1:5101); 119 more like it since the previous line, not logged (gateway_upstream_errors_total counts them all)"),
                (FailedAgain, "Upstream error on route 'dead' (cluster 'dead'): request: Connection refused (127.0.0.1:5101); 119 more like it since the previous line, not logged (gateway_upstream_errors_total counts them all)"),
            ],
            Lines.ConvertAll(l => (l.EventId, l.Message)));

        // Quiet for ten minutes, then one more: it is a line of its own again, with the one held back before the lull.
        _time.Advance(TimeSpan.FromMinutes(10));
        _log.Failed(dead, refused);
        Assert.Equal(4, Lines.Count);
        Assert.Equal("Upstream error on route 'dead' (cluster 'dead'): request: Connection refused (127.0.0.1:5101); 119 more like it since the previous line, not logged (gateway_upstream_errors_total counts them all)", Lines[3].Message);
    }

    private sealed class ErrorFeature(ForwarderError error, Exception exception) : IForwarderErrorFeature
    {
        public ForwarderError Error { get; } = error;

        public Exception? Exception { get; } = exception;
    }
}
