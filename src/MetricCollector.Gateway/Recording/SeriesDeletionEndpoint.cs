using MetricCollector.Collector;
using MetricCollector.Recording;
using MetricCollector.Gateway.Security;

namespace MetricCollector.Gateway.Recording;

/// <summary>
/// <c>DELETE /metrics/{name}?label=value</c> removes a pushed metric's series (those with the given label values, or
/// all of them); <c>DELETE /metrics</c> wipes every pushed series, while <c>DELETE /metrics/</c> (an empty name) is
/// 404. Both need a key with the admin role when keys are configured. Definitions stay, so a metric keeps its type
/// and labels; its series start again from zero.
/// </summary>
internal static class SeriesDeletionEndpoint
{
    public static async Task DeleteMetricAsync(HttpContext context, string name, PrometheusMetricCollector collector, ApiKeyAuthenticator auth)
    {
        if (await RefusedAsync(context, auth))
        {
            return;
        }

        if (collector.LabelNamesOf(name) is not { } labelNames)
        {
            await UnknownMetricAsync(context, name);
            return;
        }

        var matchers = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (label, values) in context.Request.Query)
        {
            if (values.Count != 1)
            {
                await ProblemResponse.WriteAsync(context, StatusCodes.Status400BadRequest, "invalid_matcher", "Invalid label matcher",
                    $"label '{Echo.Of(label)}' is given {values.Count} times; give each label at most once.", "/query/" + label);
                return;
            }

            // A label the metric does not have matches no series: most likely a typo, which "deleted": 0 would hide.
            if (!labelNames.Contains(label))
            {
                string known = labelNames.Count == 0 ? "it has no labels" : "its labels are " + string.Join(", ", labelNames);
                await ProblemResponse.WriteAsync(context, StatusCodes.Status400BadRequest, "invalid_matcher", "Invalid label matcher",
                    $"pushed metric '{Echo.Of(name)}' has no label '{Echo.Of(label)}'; {known}.", "/query/" + label);
                return;
            }

            matchers[label] = values[0]!;
        }

        if (collector.Delete(name, matchers) is not { } deleted)
        {
            await UnknownMetricAsync(context, name);
            return;
        }

        await context.Response.WriteAsJsonAsync(new DeletionSummary(name, deleted), context.RequestAborted);
    }

    private static Task UnknownMetricAsync(HttpContext context, string name) =>
        ProblemResponse.WriteAsync(context, StatusCodes.Status404NotFound, "unknown_metric", "Unknown metric",
            $"no pushed metric is named '{Echo.Of(name)}'.", "/metric_name");

    public static async Task WipeAsync(HttpContext context, PrometheusMetricCollector collector, ApiKeyAuthenticator auth)
    {
        if (await RefusedAsync(context, auth))
        {
            return;
        }

        // Routing ignores a trailing slash, so DELETE /metrics/ lands here: it is what a script sends for
        // DELETE /metrics/$NAME with NAME unset, and must not wipe everything. Only DELETE /metrics does.
        if (context.Request.Path.Value is [.., '/'])
        {
            await ProblemResponse.WriteAsync(context, StatusCodes.Status404NotFound, "unknown_metric", "Unknown metric",
                "the metric name is empty; DELETE /metrics/<name> deletes one metric's series, DELETE /metrics (no trailing slash) wipes every pushed series.",
                "/metric_name");
            return;
        }

        await context.Response.WriteAsJsonAsync(new DeletionSummary(null, collector.Wipe()), context.RequestAborted);
    }

    /// <summary>Answers 401 or 403 and returns true unless the request carries an admin key (or no keys are configured).</summary>
    private static async Task<bool> RefusedAsync(HttpContext context, ApiKeyAuthenticator auth)
    {
        var access = auth.Authenticate(context, ApiKeyRole.Admin, "delete");
        if (access.Failure is null)
        {
            return false;
        }

        await ProblemResponse.WriteAuthFailureAsync(context, access);
        return true;
    }

    private sealed record DeletionSummary(string? Metric, int Deleted);
}
