using Microsoft.AspNetCore.Mvc;

using MetricCollector.Gateway.Security;

namespace MetricCollector.Gateway;

/// <summary>RFC 9457 problems of the gateway's own endpoints: one type namespace, <c>urn:metric-collector:problem:&lt;reason&gt;</c>.</summary>
internal static class ProblemResponse
{
    public const string TypePrefix = "urn:metric-collector:problem:";

    public static Task WriteAsync(HttpContext context, int status, string reason, string title, string detail, string field)
    {
        context.Response.StatusCode = status;
        var problem = new ProblemDetails
        {
            Type = TypePrefix + reason,
            Title = title,
            Status = status,
            Detail = detail,
        };
        problem.Extensions["field"] = field;
        return context.Response.WriteAsJsonAsync(problem, (System.Text.Json.JsonSerializerOptions?)null, "application/problem+json", context.RequestAborted);
    }

    public static Task WriteAuthFailureAsync(HttpContext context, AuthResult result) =>
        result.Failure == MetricCollector.Recording.RejectionReason.Unauthorized
            ? WriteAsync(context, StatusCodes.Status401Unauthorized, "unauthorized", "Unauthorized", result.Detail, "Authorization")
            : WriteAsync(context, StatusCodes.Status403Forbidden, "forbidden", "Forbidden", result.Detail, "Authorization");
}
