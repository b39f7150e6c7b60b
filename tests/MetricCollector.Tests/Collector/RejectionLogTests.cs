using MetricCollector.Collector;
using MetricCollector.Recording;
using Microsoft.Extensions.Logging;

namespace MetricCollector.Tests.Collector;

public sealed class RejectionLogTests
{
    [Fact]
    public void Warnings_are_limited_per_minute_and_the_rest_reported_in_one_line()
    {
        var logger = new RecordingLogger();
        var time = new ManualTime();
        var log = new RejectionLog(logger, time, perMinute: 3);
        var rejection = new RecordRejection(RejectionReason.SchemaViolation, "/value", "bad");

        for (int i = 0; i < 100; i++)
        {
            log.Rejected(rejection);
        }

        Assert.Equal(3, logger.Messages.Count);
        time.Advance(TimeSpan.FromSeconds(61));
        log.Rejected(rejection);

        Assert.Equal(5, logger.Messages.Count);
        Assert.Contains("97 more rejected records", logger.Messages[3], StringComparison.Ordinal);
        Assert.All(logger.Levels, level => Assert.Equal(LogLevel.Warning, level));
    }

    [Fact]
    public void A_rejection_of_huge_input_is_logged_in_a_short_line()
    {
        var logger = new RecordingLogger();
        var log = new RejectionLog(logger, new ManualTime(), perMinute: 3);
        string name = new('x', 1_000_000);

        log.Rejected(new RecordRejection(RejectionReason.SchemaViolation, "/labels/" + name, $"label name '{name}' is bad."));

        Assert.InRange(logger.Messages[0].Length, 1, 8192);
    }

    [Fact]
    public void A_label_name_carrying_newlines_and_escape_codes_is_logged_and_answered_with_them_escaped()
    {
        var logger = new RecordingLogger();
        var log = new RejectionLog(logger, new ManualTime(), perMinute: 3);
        var ingestion = new RecordIngestion(TestCollector.Create(), Microsoft.Extensions.Options.Options.Create(new MetricCollectorOptions()));
        byte[] body = System.Text.Encoding.UTF8.GetBytes(
            """{"metric_name":"a","metric_type":"gauge","value":1,"labels":{"a\ninfo: Fake[0]\n      forged line \u001b[31mred\u0085\u2028":"v"}}""");

        var rejection = Assert.Single(ingestion.Ingest(body).Rejected).Rejection;
        log.Rejected(rejection);

        string line = Assert.Single(logger.Messages);
        foreach (string text in new[] { line, rejection.Detail, rejection.Field })
        {
            Assert.DoesNotContain(text, c => char.IsControl(c) || c is '\u2028' or '\u2029');
        }

        Assert.Contains(@"a\ninfo: Fake[0]\n      forged line \u001b[31mred\u0085\u2028", rejection.Detail, StringComparison.Ordinal);
    }

    private sealed class ManualTime : TimeProvider
    {
        private long _ticks;

        public override long TimestampFrequency => TimeSpan.TicksPerSecond;

        public override long GetTimestamp() => _ticks;

        public void Advance(TimeSpan by) => _ticks += by.Ticks;
    }

    private sealed class RecordingLogger : ILogger
    {
        public List<string> Messages { get; } = [];

        public List<LogLevel> Levels { get; } = [];

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            Levels.Add(logLevel);
            Messages.Add(formatter(state, exception));
        }
    }
}
