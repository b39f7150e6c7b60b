using System.Text.Json;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace MetricCollector.Client.Tests;

/// <summary>A WireMock stand-in for the collector's <c>POST /record</c>, answering 202 unless told otherwise.</summary>
internal sealed class FakeCollector : IDisposable
{
    public FakeCollector()
    {
        Server = WireMockServer.Start();
        Server.Given(Request.Create().WithPath("/record").UsingPost()).AtPriority(100).RespondWith(Response.Create().WithStatusCode(202));
    }

    public WireMockServer Server { get; }

    public Uri Address => new(Server.Url!);

    /// <summary>The <c>/record</c> requests received, oldest first: the Idempotency-Key and the records.</summary>
    public IReadOnlyList<(string Key, JsonElement[] Records)> Batches =>
    [
        .. Server.LogEntries
            .Where(entry => entry.RequestMessage.Path == "/record")
            .OrderBy(entry => entry.RequestMessage.DateTime)
            .Select(entry => (
                entry.RequestMessage.Headers!["Idempotency-Key"].Single(),
                JsonDocument.Parse(entry.RequestMessage.Body!).RootElement.EnumerateArray().ToArray())),
    ];

    public void Dispose() => Server.Stop();
}
