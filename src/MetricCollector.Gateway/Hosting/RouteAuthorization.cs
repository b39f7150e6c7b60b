using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Options;

namespace MetricCollector.Gateway.Hosting;

/// <summary>
/// ASP.NET Core's authorization middleware, run only for the endpoints that ask for it: proxy routes given an
/// <c>AuthorizationPolicy</c>. YARP registers the authorization services, so the host would add the middleware for
/// every request, and it notes in <c>HttpContext.Items</c> that it ran: a dictionary (~250 B) per request, proxied or
/// not, though the gateway's own endpoints check their keys themselves.
/// </summary>
internal static class RouteAuthorization
{
    // What WebApplication looks for before adding the middleware itself (AuthorizationAppBuilderExtensions'
    // AuthorizationMiddlewareSetKey). Were it renamed, the host would add the middleware again ahead of routing, where
    // it sees no endpoint: slower, never weaker, since the branch below still enforces the routes' policies.
    private const string MiddlewareSetKey = "__AuthorizationMiddlewareSet";

    /// <summary>Call right after <c>UseRouting()</c>.</summary>
    public static void UseAuthorizationWhereRequired(this WebApplication app)
    {
        // A fallback policy applies to endpoints without metadata too: then every request needs the middleware.
        if (app.Services.GetRequiredService<IOptions<AuthorizationOptions>>().Value.FallbackPolicy is not null)
        {
            app.UseAuthorization();
            return;
        }

        app.UseWhen(static context => RequiresAuthorization(context.GetEndpoint()), static branch => branch.UseAuthorization());
        ((IApplicationBuilder)app).Properties[MiddlewareSetKey] = true;
    }

    internal static bool RequiresAuthorization(Endpoint? endpoint) =>
        endpoint is not null
        && (endpoint.Metadata.GetMetadata<IAuthorizeData>() is not null
            || endpoint.Metadata.GetMetadata<AuthorizationPolicy>() is not null
            || endpoint.Metadata.GetMetadata<IAuthorizationRequirementData>() is not null);
}
