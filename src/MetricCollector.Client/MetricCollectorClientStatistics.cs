namespace MetricCollector.Client;

/// <summary>What the client has done since it started: the loss it could not avoid is visible here, never thrown.</summary>
/// <param name="Sent">Records the collector accepted. Counter increments to one series are summed into one record per batch.</param>
/// <param name="Rejected">
/// Records the collector refused (every record of a batch refused whole with a 4xx such as 401, 403 or 413, or the
/// refused part of a 207), and later records of a series whose definition it refused, which are not sent at all; none is
/// sent again.
/// </param>
/// <param name="Retried">Attempts repeated after a transient failure (5xx, 408, 429, timeout, connection error).</param>
/// <param name="Dropped">
/// What was lost before it could be sent, counted in the unit it was held in: one per call for a value refused on the
/// caller's thread (negative or not finite) or recorded after the client stopped; one per observation pushed out of the
/// full buffer (the oldest go first) or still unsent when shutdown gave up; one per counter or gauge record (a counter's
/// increments summed, a gauge's latest value) whose sum overflowed or that was still unsent when shutdown gave up,
/// however many increments or sets it held.
/// </param>
public sealed record MetricCollectorClientStatistics(long Sent, long Rejected, long Retried, long Dropped);
