using GithubSts.Exchange.Pipeline;
using Microsoft.AspNetCore.Http;

namespace GithubSts.Exchange.Endpoints;

/// <summary>Extracts the bearer token: exactly one Authorization header, scheme <c>Bearer</c> (case-insensitive, RFC 6750).</summary>
internal static class BearerToken
{
    private const string Scheme = "Bearer ";

    public static string Read(HttpRequest request)
    {
        var headers = request.Headers.Authorization;
        if (headers.Count == 0)
        {
            throw ExchangeException.InvalidToken("missing_token", "no Authorization header");
        }

        if (headers.Count > 1)
        {
            throw ExchangeException.InvalidToken("malformed_authorization", "more than one Authorization header");
        }

        var value = headers[0] ?? string.Empty;
        if (!value.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase))
        {
            throw ExchangeException.InvalidToken("malformed_authorization", "Authorization scheme is not Bearer");
        }

        var token = value.AsSpan(Scheme.Length);
        if (token.IsEmpty || token.ContainsAny(' ', '\t', ','))
        {
            throw ExchangeException.InvalidToken("malformed_authorization", "Authorization header does not hold exactly one token");
        }

        return token.ToString();
    }
}
