using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace MetricCollector.Gateway.Health;

/// <summary>
/// The body of <c>/readyz</c>: what ASP.NET Core's default writer says (<c>Healthy</c>, <c>Unhealthy</c>), and when
/// unready why, <c>Unhealthy: starting</c> or <c>Unhealthy: stopping</c>, so a 503 tells an operator which it is.
/// </summary>
internal static class ReadinessResponse
{
    public static Task WriteAsync(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "text/plain";
        return context.Response.WriteAsync(Describe(report));
    }

    private static string Describe(HealthReport report)
    {
        if (report.Status != HealthStatus.Healthy)
        {
            foreach (var entry in report.Entries.Values)
            {
                if (entry.Status != HealthStatus.Healthy && !string.IsNullOrEmpty(entry.Description))
                {
                    return $"{report.Status}: {entry.Description}";
                }
            }
        }

        return report.Status.ToString();
    }
}
