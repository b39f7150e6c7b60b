using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace MetricCollector.Client.Tests;

/// <summary>A logger provider that keeps every line, to check what the client logs and how often.</summary>
internal sealed class CapturedLogs : ILoggerProvider
{
    private readonly ConcurrentQueue<(string Category, LogLevel Level, int EventId, string Message)> _entries = new();

    public IReadOnlyList<(string Category, LogLevel Level, int EventId, string Message)> Entries => [.. _entries];

    public IReadOnlyList<string> WithEventId(int eventId) => [.. _entries.Where(e => e.EventId == eventId).Select(e => e.Message)];

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose()
    {
    }

    private sealed class Logger(CapturedLogs logs, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            logs._entries.Enqueue((category, logLevel, eventId.Id, formatter(state, exception)));
    }
}
