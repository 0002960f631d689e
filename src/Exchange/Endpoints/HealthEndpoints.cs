using GithubSts.Exchange.Health;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace GithubSts.Exchange.Endpoints;

public static class HealthEndpoints
{
    /// <summary><c>/healthz</c> (liveness: the process serves HTTP) and <c>/readyz</c> (readiness).</summary>
    public static IEndpointRouteBuilder MapGithubStsHealth(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/healthz", () => TypedResults.Json(new StatusResponse("ok"), EndpointJsonContext.Default.StatusResponse));
        routes.MapGet("/readyz", (ServiceReadiness readiness) => readiness.IsReady(out var reason)
            ? TypedResults.Json(new StatusResponse("ready"), EndpointJsonContext.Default.StatusResponse)
            : TypedResults.Json(new StatusResponse(reason), EndpointJsonContext.Default.StatusResponse, statusCode: StatusCodes.Status503ServiceUnavailable));
        return routes;
    }
}
