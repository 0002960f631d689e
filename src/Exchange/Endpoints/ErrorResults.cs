using System.Globalization;
using GithubSts.Exchange.Pipeline;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace GithubSts.Exchange.Endpoints;

/// <summary>Writes failures as <c>{"error","error_description","request_id","code","detail"}</c> with the right status and headers.</summary>
internal static class ErrorResults
{
    /// <summary>The bearer-header APIs (<c>/sts/exchange</c>, JSON <c>/token</c>).</summary>
    public static IResult ForBearerApi(ExchangeException e, HttpContext http)
    {
        var (status, code) = e.Kind switch
        {
            ExchangeErrorKind.InvalidRequest => (StatusCodes.Status400BadRequest, "invalid_request"),
            ExchangeErrorKind.InvalidScope => (StatusCodes.Status400BadRequest, "invalid_scope"),
            ExchangeErrorKind.InvalidTarget => (StatusCodes.Status400BadRequest, "invalid_target"),
            ExchangeErrorKind.InvalidToken => (StatusCodes.Status401Unauthorized, "invalid_token"),
            ExchangeErrorKind.AccessDenied => (StatusCodes.Status403Forbidden, "access_denied"),
            ExchangeErrorKind.RateLimited => (StatusCodes.Status429TooManyRequests, "rate_limited"),
            ExchangeErrorKind.GitHubError => (StatusCodes.Status502BadGateway, "upstream_error"),
            ExchangeErrorKind.Replayed => (StatusCodes.Status409Conflict, "token_replayed"),
            ExchangeErrorKind.ClientDisconnected => (ResultDelivery.ClientClosedRequest, "client_disconnected"),
            _ => (StatusCodes.Status503ServiceUnavailable, "temporarily_unavailable"),
        };
        if (status == StatusCodes.Status401Unauthorized)
        {
            http.Response.Headers.WWWAuthenticate = "Bearer error=\"invalid_token\"";
        }

        return Write(e, http, status, code);
    }

    /// <summary>The RFC 8693 form API: token and policy failures are <c>invalid_request</c> (RFC 8693 §2.2.2).</summary>
    public static IResult ForTokenExchange(ExchangeException e, HttpContext http)
    {
        var (status, code) = e.Kind switch
        {
            ExchangeErrorKind.InvalidRequest or ExchangeErrorKind.InvalidToken or ExchangeErrorKind.AccessDenied or ExchangeErrorKind.Replayed
                => (StatusCodes.Status400BadRequest, "invalid_request"),
            ExchangeErrorKind.InvalidScope => (StatusCodes.Status400BadRequest, "invalid_scope"),
            ExchangeErrorKind.InvalidTarget => (StatusCodes.Status400BadRequest, "invalid_target"),
            ExchangeErrorKind.RateLimited => (StatusCodes.Status429TooManyRequests, "temporarily_unavailable"),
            ExchangeErrorKind.GitHubError => (StatusCodes.Status502BadGateway, "server_error"),
            ExchangeErrorKind.ClientDisconnected => (ResultDelivery.ClientClosedRequest, "client_disconnected"),
            _ => (StatusCodes.Status503ServiceUnavailable, "temporarily_unavailable"),
        };
        if (string.Equals(e.ReasonCode, ReasonCodes.UnsupportedGrantType, StringComparison.Ordinal))
        {
            // RFC 6749 §5.2 has a code of its own for this one; it is an invalid request everywhere else (metrics, audit).
            code = "unsupported_grant_type";
        }
        else if (string.Equals(e.ReasonCode, ReasonCodes.RequestExceedsPolicy, StringComparison.Ordinal))
        {
            // RFC 6749 §5.2: "the requested scope is ... exceeds the scope granted by the resource owner".
            (status, code) = (StatusCodes.Status400BadRequest, "invalid_scope");
        }

        return Write(e, http, status, code);
    }

    private static JsonHttpResult<ErrorResponse> Write(ExchangeException e, HttpContext http, int status, string code)
    {
        if (e.RetryAfter is { } retryAfter)
        {
            http.Response.Headers.RetryAfter = Math.Max(1, (long)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        }

        return TypedResults.Json(
            new ErrorResponse(code, e.PublicDescription, http.TraceIdentifier), EndpointJsonContext.Default.ErrorResponse, statusCode: e.StatusCode ?? status);
    }
}
