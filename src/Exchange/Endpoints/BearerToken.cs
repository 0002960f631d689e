using Microsoft.AspNetCore.Http;

namespace GithubSts.Exchange.Endpoints;

/// <summary>Extracts the bearer token: exactly one Authorization header, scheme <c>Bearer</c> (case-insensitive, RFC 6750).</summary>
internal static class BearerToken
{
    private const string Scheme = "Bearer ";

    /// <summary>The token, or null with the reason code of the problem (missing, several headers, not Bearer, ...).</summary>
    public static string? Read(HttpRequest request, out string? problem)
    {
        problem = null;
        var headers = request.Headers.Authorization;
        if (headers.Count != 1)
        {
            problem = headers.Count == 0 ? "missing_token" : "malformed_authorization";
            return null;
        }

        var value = headers[0] ?? string.Empty;
        var token = value.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase) ? value.AsSpan(Scheme.Length) : [];
        if (token.IsEmpty || token.ContainsAny(' ', '\t', ','))
        {
            problem = "malformed_authorization";
            return null;
        }

        return token.ToString();
    }
}
