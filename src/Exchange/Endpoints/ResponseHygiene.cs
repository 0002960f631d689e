using GithubSts.Exchange.Health;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace GithubSts.Exchange.Endpoints;

/// <summary>
/// Headers every response the application writes carries (<c>Cache-Control: no-store</c>, the request id) and JSON
/// bodies for failures that happen outside the endpoints (unknown paths, oversized or malformed requests, unexpected
/// exceptions) with no internal detail. Kestrel's own answers to requests it cannot parse (400, 408, 414, 431) never reach this
/// middleware and cannot be changed (README, HTTP API).
/// </summary>
public static partial class ResponseHygiene
{
    public static IApplicationBuilder UseGithubStsResponseHygiene(this IApplicationBuilder app)
    {
        var readiness = app.ApplicationServices.GetService<ServiceReadiness>();
        return app.Use((http, next) => HandleAsync(http, next, readiness));
    }

    private static async Task HandleAsync(HttpContext http, RequestDelegate next, ServiceReadiness? readiness)
    {
        var headers = http.Response.Headers;
        headers.CacheControl = "no-store";
        headers.Pragma = "no-cache";
        headers.XContentTypeOptions = "nosniff";
        headers["X-Request-Id"] = http.TraceIdentifier;
        if (readiness is { IsStopping: true } && HttpProtocol.IsHttp11(http.Request.Protocol))
        {
            // Draining: a keep-alive client would keep reusing this connection until the listener closes; closing it
            // after this response makes its next request open a new one, which lands on a replica still in rotation.
            headers.Connection = "close";
        }

        try
        {
            await next(http);
            if (http.Response.StatusCode == StatusCodes.Status404NotFound && !http.Response.HasStarted && http.GetEndpoint() is null)
            {
                // No endpoint answered: an unknown path, or one served on the other listener only (ManagementListener).
                await WriteAsync(http, StatusCodes.Status404NotFound, "not_found", "no such endpoint");
            }
        }
        catch (BadHttpRequestException e) when (!http.Response.HasStarted)
        {
            await WriteAsync(http, e.StatusCode, "invalid_request", e.StatusCode == StatusCodes.Status413PayloadTooLarge
                ? "the request body is too large"
                : "the request is malformed");
        }
        catch (InvalidDataException) when (!http.Response.HasStarted)
        {
            // Form reader limits (too many or too long values).
            await WriteAsync(http, StatusCodes.Status400BadRequest, "invalid_request", "the form body is malformed or too large");
        }
        catch (Exception e) when (!http.Response.HasStarted && e is not OperationCanceledException)
        {
            var logger = http.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("GithubSts.Exchange.Endpoints");
            LogUnhandled(logger, e, http.TraceIdentifier);
            await WriteAsync(http, StatusCodes.Status500InternalServerError, "server_error", "internal error");
        }
    }

    private static Task WriteAsync(HttpContext http, int status, string code, string description)
    {
        http.Response.StatusCode = status;
        return http.Response.WriteAsJsonAsync(
            new ErrorResponse(code, description, http.TraceIdentifier), EndpointJsonContext.Default.ErrorResponse);
    }

    [LoggerMessage(EventId = 1900, Level = LogLevel.Error, Message = "Unhandled error in request {RequestId}")]
    private static partial void LogUnhandled(ILogger logger, Exception exception, string requestId);
}
