using System.Globalization;
using Microsoft.Extensions.Logging;

namespace MetricCollector.Client.Delivery;

/// <summary>
/// The circuit breaker's log lines. Its opening after it was closed, and its closing, are logged each time: they start
/// and end an outage. While it stays open, each failed probe (one every break duration, 15 s by default) opens it again;
/// those are logged at most once a minute, counting the reopenings since, as the client's other warnings are.
/// </summary>
internal sealed class CircuitLog(ILogger logger, TimeProvider time)
{
    private readonly Lock _lock = new();
    private readonly WarningGate _reopenings = new(time, TimeSpan.FromMinutes(1));
    private bool _open;
    private long _unreported;

    public void Opened(double seconds, string problem)
    {
        lock (_lock)
        {
            if (!_open)
            {
                _open = true;
                _unreported = 0;
                // The first reopening waits a minute from this line, not from the last outage's.
                _reopenings.Restart();
                DeliveryLog.CircuitOpened(logger, seconds, problem);
                return;
            }

            _unreported++;
            if (_reopenings.TryPass())
            {
                DeliveryLog.CircuitReopened(logger, _unreported, seconds, problem);
                _unreported = 0;
            }
        }
    }

    public void Closed()
    {
        lock (_lock)
        {
            _open = false;
            string reopened = _unreported switch
            {
                0 => "",
                1 => " (it had opened again once since the last report)",
                _ => $" (it had opened again {_unreported.ToString(CultureInfo.InvariantCulture)} times since the last report)",
            };
            _unreported = 0;
            DeliveryLog.CircuitClosed(logger, reopened);
        }
    }
}
