using GithubSts.Exchange.Pipeline;
using Microsoft.AspNetCore.Http;

namespace GithubSts.Exchange.Endpoints;

/// <summary>
/// RFC 8693 token exchange on <c>POST /token</c> (form body). The subject token is the caller's OIDC JWT,
/// <c>scope</c> is the target (<c>org</c> or <c>org/repo</c>), <c>identity</c> and <c>app</c> are extension parameters.
/// Unrecognised parameters are ignored (RFC 6749 §3.2); recognised ones may appear only once.
/// </summary>
internal static class TokenExchangeEndpoint
{
    public const string GrantType = "urn:ietf:params:oauth:grant-type:token-exchange";
    public const string AccessTokenType = "urn:ietf:params:oauth:token-type:access_token";
    private const string IdTokenType = "urn:ietf:params:oauth:token-type:id_token";
    private const string JwtTokenType = "urn:ietf:params:oauth:token-type:jwt";

    private static readonly string[] RecognisedParameters =
    [
        "grant_type", "subject_token", "subject_token_type", "scope", "identity", "app", "requested_token_type",
        "actor_token", "actor_token_type", "resource", "audience", ExchangeParameters.PermissionsName, ExchangeParameters.RepositoriesName,
    ];

    public static async Task<IResult> HandleAsync(HttpContext http, ExchangePipeline pipeline, TimeProvider time)
    {
        try
        {
            IFormCollection? form = null;
            var narrowing = new ExchangeParameters();
            var problem = await RequestBody.ProblemOfAsync(async () =>
            {
                form = await RequestBody.ReadFormAsync(http.Request, http.RequestAborted);
                ValidateForm(form);

                // Extension parameters, as on the other endpoints (only the narrowing names are read here).
                var read = form;
                narrowing.SetFrom(name => name is ExchangeParameters.PermissionsName or ExchangeParameters.RepositoriesName ? read[name] : default);
            });
            await pipeline.ExecuteAndDeliverAsync(
                new ExchangeRequest
                {
                    RequestProblem = problem,
                    Scope = Single(form, "scope"),
                    Identity = Single(form, "identity"),
                    App = Single(form, "app"),
                    RequestedPermissions = narrowing.Permissions,
                    RequestedRepositories = narrowing.Repositories,
                    SubjectToken = Single(form, "subject_token"),
                    RequestId = http.TraceIdentifier,
                    ClientAddress = http.Connection.RemoteIpAddress?.ToString(),
                    UserAgent = RequestMetadata.UserAgent(http),
                    Endpoint = "token_exchange",
                    ClientAborted = http.RequestAborted,
                },
                result =>
                {
                    var expiresIn = (long)Math.Max(0, (result.ExpiresAt - time.GetUtcNow()).TotalSeconds);
                    return ResultDelivery.TryWriteAsync(http, TypedResults.Json(
                        new TokenExchangeResponse(result.Token, AccessTokenType, "Bearer", expiresIn),
                        EndpointJsonContext.Default.TokenExchangeResponse));
                });

            // Written above (or revoked when it could not be).
            return Results.Empty;
        }
        catch (ExchangeException e)
        {
            return ErrorResults.ForTokenExchange(e, http);
        }
    }

    /// <summary>The RFC 8693 checks that need no token; each failure is a refusal the pipeline audits.</summary>
    private static void ValidateForm(IFormCollection form)
    {
        foreach (var name in RecognisedParameters)
        {
            if (form[name].Count > 1)
            {
                throw RequestErrors.Duplicate(name);
            }
        }

        var grantType = form["grant_type"].ToString();
        if (grantType.Length == 0)
        {
            throw ExchangeException.InvalidRequest("missing_grant_type", "grant_type is required");
        }

        if (!string.Equals(grantType, GrantType, StringComparison.Ordinal))
        {
            throw RequestErrors.UnsupportedGrantType();
        }

        ValidateTokenParameters(form);
    }

    private static void ValidateTokenParameters(IFormCollection form)
    {
        if (form["subject_token"].ToString().Length == 0)
        {
            throw ExchangeException.InvalidRequest("missing_subject_token", "subject_token is required");
        }

        var subjectTokenType = form["subject_token_type"].ToString();
        if (!string.Equals(subjectTokenType, IdTokenType, StringComparison.Ordinal)
            && !string.Equals(subjectTokenType, JwtTokenType, StringComparison.Ordinal))
        {
            throw ExchangeException.InvalidRequest(
                "invalid_subject_token_type", "subject_token_type must be urn:ietf:params:oauth:token-type:id_token or :jwt");
        }

        if (form.ContainsKey("actor_token") || form.ContainsKey("actor_token_type"))
        {
            throw ExchangeException.InvalidRequest("delegation_not_supported", "actor_token is not supported");
        }

        var requested = form["requested_token_type"];
        if (requested.Count == 1 && !string.Equals(requested[0], AccessTokenType, StringComparison.Ordinal))
        {
            throw ExchangeException.InvalidRequest(
                "invalid_requested_token_type", "requested_token_type must be urn:ietf:params:oauth:token-type:access_token");
        }

        if (form.ContainsKey("resource") || form.ContainsKey("audience"))
        {
            throw ExchangeException.InvalidTarget("unsupported_target_parameter", "resource and audience are not supported: name the target with scope");
        }
    }

    /// <summary>The parameter's (first) value; null when absent or when the form could not be read at all.</summary>
    private static string? Single(IFormCollection? form, string name) =>
        form is null || form[name].Count == 0 ? null : form[name][0];
}
