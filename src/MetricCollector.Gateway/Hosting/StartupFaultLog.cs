using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace MetricCollector.Gateway.Hosting;

/// <summary>
/// Holds back the host's own entry of a failed start ("Hosting failed to start", Microsoft.Extensions.Hosting's event
/// HostedServiceStartupFaulted, with the exception and its stack trace) until the gateway knows what failed: a setting
/// <see cref="StartupFailure"/> explains is one line on standard error, and the entry is dropped with the host; any
/// other failure has it written by <see cref="Release"/>, as it would have been, since its trace is the clue.
/// </summary>
/// <remarks>
/// Kestrel's bind failures (a port in use, an address that is not a URL) are thrown inside the host's start, which logs
/// them before it rethrows. A log filter sees only the category and the level, not the event, and could not write the
/// entry later; so the host's logger alone is wrapped, by a logger factory that hands every other category the
/// framework's logger untouched (nothing is added on any other logging path).
/// </remarks>
internal sealed class StartupFaultLog
{
    private const string HostCategory = "Microsoft.Extensions.Hosting.Internal.Host";
    private const int HostedServiceStartupFaulted = 11;

    private Action? _held;

    /// <summary>Registers the log and the logger factory that holds the host's entry back; call before the host is built.</summary>
    /// <param name="services">The host's services, with logging added (as every host builder does).</param>
    public static void AddTo(IServiceCollection services)
    {
        services.AddSingleton<StartupFaultLog>();
        services.Replace(ServiceDescriptor.Singleton<ILoggerFactory>(sp => new HoldingLoggerFactory(
            new LoggerFactory(
                sp.GetServices<ILoggerProvider>(),
                sp.GetRequiredService<IOptionsMonitor<LoggerFilterOptions>>(),
                sp.GetService<IOptions<LoggerFactoryOptions>>(),
                sp.GetService<IExternalScopeProvider>()),
            sp.GetRequiredService<StartupFaultLog>())));
    }

    /// <summary>Writes the held entry, if the start failed, to the loggers it was meant for.</summary>
    public void Release() => Interlocked.Exchange(ref _held, null)?.Invoke();

    private sealed class HoldingLoggerFactory(ILoggerFactory inner, StartupFaultLog log) : ILoggerFactory
    {
        public ILogger CreateLogger(string categoryName)
        {
            var logger = inner.CreateLogger(categoryName);
            return string.Equals(categoryName, HostCategory, StringComparison.Ordinal) ? new HostLogger(logger, log) : logger;
        }

        public void AddProvider(ILoggerProvider provider) => inner.AddProvider(provider);

        public void Dispose() => inner.Dispose();
    }

    private sealed class HostLogger(ILogger inner, StartupFaultLog log) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => inner.BeginScope(state);

        public bool IsEnabled(LogLevel logLevel) => inner.IsEnabled(logLevel);

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (eventId.Id == HostedServiceStartupFaulted)
            {
                log._held = () => inner.Log(logLevel, eventId, state, exception, formatter);
                return;
            }

            inner.Log(logLevel, eventId, state, exception, formatter);
        }
    }
}
