namespace MetricCollector.Recording;

/// <summary>An <c>Idempotency-Key</c> the collector has answered, kept in snapshots so that a restart does not forget it.</summary>
/// <param name="Key">The key, as scoped by the credential that sent it.</param>
/// <param name="AgeSeconds">How long before the snapshot the key was first seen.</param>
/// <param name="Answer">The answer given, repeated to every retry within the window.</param>
internal sealed record RememberedAnswer(string Key, double AgeSeconds, IngestResult Answer);
