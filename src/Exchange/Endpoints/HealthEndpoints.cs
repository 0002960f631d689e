using GithubSts.Exchange.Health;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace GithubSts.Exchange.Endpoints;

public static class HealthEndpoints
{
    /// <summary><c>/healthz</c> (liveness: the process serves HTTP) and <c>/readyz</c> (readiness), management listener only.</summary>
    public static IEndpointRouteBuilder MapGithubStsHealth(this IEndpointRouteBuilder routes)
    {
        routes.MapManagement("/healthz", () => TypedResults.Json(new StatusResponse("ok"), EndpointJsonContext.Default.StatusResponse));
        routes.MapManagement("/readyz", (ServiceReadiness readiness) => readiness.IsReady(out var reason)
            ? TypedResults.Json(new StatusResponse("ready"), EndpointJsonContext.Default.StatusResponse)
            : TypedResults.Json(new StatusResponse(reason), EndpointJsonContext.Default.StatusResponse, statusCode: StatusCodes.Status503ServiceUnavailable));
        return routes;
    }

    /// <summary>
    /// A GET (and HEAD) endpoint of the management listener. It is mapped for every method, answering 405 itself, so
    /// routing never produces a 405 of its own for the path: on the public listener the path is then a plain 404.
    /// </summary>
    public static RouteHandlerBuilder MapManagement(this IEndpointRouteBuilder routes, string pattern, Delegate handler) =>
        routes.Map(pattern, handler)
            .WithMetadata(ManagementEndpointMetadata.Instance)
            .AddEndpointFilter((context, next) =>
                HttpMethods.IsGet(context.HttpContext.Request.Method) || HttpMethods.IsHead(context.HttpContext.Request.Method)
                    ? next(context)
                    : ValueTask.FromResult<object?>(TypedResults.StatusCode(StatusCodes.Status405MethodNotAllowed)));
}
