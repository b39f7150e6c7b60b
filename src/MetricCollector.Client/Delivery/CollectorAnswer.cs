using System.Net;
using System.Text.Json;

namespace MetricCollector.Client.Delivery;

/// <summary>
/// The collector's final answer to a batch: <c>{"accepted", "rejected", "errors"}</c> for 202 and 207, problem details
/// (<c>type</c>, <c>detail</c>, <c>errors</c>) for a refusal.
/// </summary>
/// <param name="Status">The HTTP status.</param>
/// <param name="Accepted">Records applied.</param>
/// <param name="Rejected">Records refused.</param>
/// <param name="Type">The problem type of a refusal, or null.</param>
/// <param name="Detail">The problem detail of a refusal, or null.</param>
/// <param name="Errors">Every refused record.</param>
internal sealed record CollectorAnswer(HttpStatusCode Status, int Accepted, int Rejected, string? Type, string? Detail, IReadOnlyList<RefusedRecord> Errors)
{
    /// <summary>Whether the status calls for the same batch to be sent again: the collector failed, or asked to wait.</summary>
    public static bool IsTransient(HttpStatusCode status) =>
        (int)status >= 500 || status is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests;

    /// <summary>Reads the answer; an unreadable body counts the whole batch as applied (2xx) or refused.</summary>
    public static async Task<CollectorAnswer> ReadAsync(HttpResponseMessage response, int records, CancellationToken cancellationToken)
    {
        var status = response.StatusCode;
        bool success = response.IsSuccessStatusCode;
        int accepted = success ? records : 0;
        int rejected = success ? 0 : records;
        string? type = null;
        string? detail = null;
        var errors = new List<RefusedRecord>();
        try
        {
            using var document = await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync(cancellationToken), default, cancellationToken);
            var root = document.RootElement;
            if (root.ValueKind == JsonValueKind.Object)
            {
                accepted = Int(root, "accepted") ?? accepted;
                rejected = Int(root, "rejected") ?? rejected;
                type = String(root, "type");
                detail = String(root, "detail");
                if (root.TryGetProperty("errors", out var list) && list.ValueKind == JsonValueKind.Array)
                {
                    foreach (var error in list.EnumerateArray())
                    {
                        errors.Add(new RefusedRecord(Int(error, "index"), String(error, "field") ?? "", String(error, "reason") ?? "", String(error, "detail") ?? ""));
                    }
                }
            }
        }
        catch (JsonException)
        {
            // Not the collector's JSON (a proxy's error page): the status alone decides.
        }

        return new CollectorAnswer(status, accepted, rejected, type, detail, errors);
    }

    private static int? Int(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out int number) ? number : null;

    private static string? String(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
