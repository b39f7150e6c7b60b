using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace MetricCollector.Gateway.Tests;

/// <summary>
/// A logger provider that keeps every line; added to a running gateway's <see cref="ILoggerFactory"/>, it sees what
/// the gateway logs from then on (the configured level filters still apply).
/// </summary>
internal sealed class CapturedLogs : ILoggerProvider
{
    private readonly ConcurrentQueue<(LogLevel Level, int EventId, string Category, string Message)> _entries = new();

    public IReadOnlyList<(LogLevel Level, int EventId, string Category, string Message)> Entries => [.. _entries];

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
            logs._entries.Enqueue((logLevel, eventId.Id, category, formatter(state, exception)));
    }
}
