using System.Text.Json;

namespace GithubSts.Operator.Authentication;

/// <summary>
/// The narrow view of the local API server that <see cref="KubernetesTokenValidator"/> needs. Every call goes to the
/// API server with the operator's own credentials; <c>jwks_uri</c> from discovery is never dereferenced.
/// </summary>
/// <remarks>
/// Implementations throw on any transport failure, timeout or non-2xx answer (including 401/403 from missing RBAC).
/// The validator turns every such exception into <see cref="GithubSts.Exchange.Identity.IdentityProviderUnavailableException"/>
/// (a retryable 503), never into "invalid token". Exception messages must not contain the reviewed token.
/// </remarks>
public interface IClusterIdentityApi
{
    /// <summary><c>GET /.well-known/openid-configuration</c> through the API server (authenticated).</summary>
    Task<JsonDocument> GetOpenIdConfigurationAsync(CancellationToken ct);

    /// <summary><c>GET /openid/v1/jwks</c> through the API server (authenticated).</summary>
    Task<JsonDocument> GetJsonWebKeySetAsync(CancellationToken ct);

    /// <summary>
    /// <c>POST /apis/authentication.k8s.io/v1/tokenreviews</c> with <c>spec.token</c> and <c>spec.audiences</c>;
    /// returns the response's <c>status</c>.
    /// </summary>
    Task<TokenReviewOutcome> ReviewAsync(string token, IReadOnlyList<string> audiences, CancellationToken ct);
}

/// <summary>
/// The <c>status</c> of an <c>authentication.k8s.io/v1</c> TokenReview: <c>authenticated</c>, <c>user.username</c>,
/// <c>user.uid</c>, <c>audiences</c>, <c>user.extra</c> and <c>error</c>. Missing lists and maps are empty, never null.
/// </summary>
public sealed record TokenReviewOutcome(
    bool Authenticated,
    string? Username,
    string? Uid,
    IReadOnlyList<string> Audiences,
    IReadOnlyDictionary<string, IReadOnlyList<string>> Extra,
    string? Error);
