using GithubSts.Exchange.Pipeline;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace GithubSts.Exchange.Endpoints;

/// <summary>
/// <c>GET|POST /sts/exchange</c> (octo-sts / py-github-sts shape) and <c>POST /token</c> (sts-cat JSON shape and RFC 8693 form).
/// </summary>
public static class ExchangeEndpoints
{
    /// <param name="rateLimited">Apply the per-client limit (<see cref="ClientRateLimiting"/>) to these endpoints.</param>
    public static IEndpointRouteBuilder MapGithubStsExchange(this IEndpointRouteBuilder routes, bool rateLimited = false)
    {
        var exchange = routes.MapGroup(string.Empty);
        if (rateLimited)
        {
            exchange.RequireRateLimiting(ClientRateLimiting.PolicyName);
        }

        exchange.MapMethods("/sts/exchange", [HttpMethods.Get, HttpMethods.Post], ExchangeAsync);
        exchange.MapPost("/token", TokenAsync);
        exchange.MapMethods("/token", [HttpMethods.Get, HttpMethods.Put, HttpMethods.Delete, HttpMethods.Patch], MethodNotAllowed);
        return routes;
    }

    /// <remarks>Internal for the start-up warm-up, which calls it with its private pipeline.</remarks>
    internal static async Task<IResult> ExchangeAsync(HttpContext http, ExchangePipeline pipeline)
    {
        try
        {
            var parameters = new ExchangeParameters();
            var problem = await RequestBody.ProblemOfAsync(async () =>
            {
                parameters.SetFrom(name => http.Request.Query[name]);
                if (HttpMethods.IsPost(http.Request.Method))
                {
                    await ReadBodyParametersAsync(http.Request, parameters, http.RequestAborted);
                }
            });
            return await RunBearerExchangeAsync(http, pipeline, parameters, "sts_exchange", problem);
        }
        catch (ExchangeException e)
        {
            return ErrorResults.ForBearerApi(e, http);
        }
    }

    private static async Task<IResult> TokenAsync(HttpContext http, ExchangePipeline pipeline, TimeProvider time)
    {
        if (http.Request.HasFormContentType)
        {
            return await TokenExchangeEndpoint.HandleAsync(http, pipeline, time);
        }

        try
        {
            var parameters = new ExchangeParameters();
            var problem = await RequestBody.ProblemOfAsync(() => http.Request.HasJsonContentType()
                ? RequestBody.ReadJsonAsync(http.Request, parameters, http.RequestAborted)
                : throw RequestErrors.UnsupportedContentType());
            return await RunBearerExchangeAsync(http, pipeline, parameters, "token_json", problem);
        }
        catch (ExchangeException e)
        {
            return ErrorResults.ForBearerApi(e, http);
        }
    }

    private static async Task ReadBodyParametersAsync(HttpRequest request, ExchangeParameters parameters, CancellationToken cancellationToken)
    {
        if (request.HasFormContentType)
        {
            var form = await RequestBody.ReadFormAsync(request, cancellationToken);
            parameters.SetFrom(name => form[name]);
        }
        else if (request.HasJsonContentType())
        {
            await RequestBody.ReadJsonAsync(request, parameters, cancellationToken);
        }
        else if (request.ContentLength > 0 || request.Headers.TransferEncoding.Count > 0)
        {
            throw RequestErrors.UnsupportedContentType();
        }
    }

    /// <param name="problem">Why the parameters could not be read: the pipeline refuses with it (and audits it).</param>
    private static async Task<IResult> RunBearerExchangeAsync(
        HttpContext http, ExchangePipeline pipeline, ExchangeParameters parameters, string endpoint, ExchangeException? problem)
    {
        var token = BearerToken.Read(http.Request, out var authorizationProblem);
        await pipeline.ExecuteAndDeliverAsync(
            new ExchangeRequest
            {
                RequestProblem = problem,
                AuthorizationProblem = authorizationProblem,
                Scope = parameters.Scope,
                Identity = parameters.Identity,
                App = parameters.App,
                RequestedPermissions = parameters.Permissions,
                RequestedRepositories = parameters.Repositories,
                SubjectToken = token,
                RequestId = http.TraceIdentifier,
                ClientAddress = http.Connection.RemoteIpAddress?.ToString(),
                UserAgent = RequestMetadata.UserAgent(http),
                Endpoint = endpoint,
                ClientAborted = http.RequestAborted,
            },
            result => ResultDelivery.TryWriteAsync(http, TypedResults.Json(
                new ExchangeResponse(
                    result.Token, FormatTime(result.ExpiresAt), result.Permissions, result.Repositories, result.RepositorySelection,
                    result.Scope, result.Identity, result.App),
                EndpointJsonContext.Default.ExchangeResponse)));

        // Written above (or revoked when it could not be).
        return Results.Empty;
    }

    /// <summary>GitHub's own format (<c>2026-01-01T12:00:00Z</c>), which every client already parses.</summary>
    private static string FormatTime(DateTimeOffset time) =>
        time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture);

    private static JsonHttpResult<ErrorResponse> MethodNotAllowed(HttpContext http)
    {
        http.Response.Headers.Allow = HttpMethods.Post;
        return TypedResults.Json(
            new ErrorResponse("invalid_request", "use POST", http.TraceIdentifier),
            EndpointJsonContext.Default.ErrorResponse,
            statusCode: StatusCodes.Status405MethodNotAllowed);
    }
}
