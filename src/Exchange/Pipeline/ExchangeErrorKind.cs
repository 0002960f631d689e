namespace GithubSts.Exchange.Pipeline;

/// <summary>The caller-visible failure classes. Endpoints map each to a status code and an error code.</summary>
public enum ExchangeErrorKind
{
    /// <summary>Malformed or missing parameters (400).</summary>
    InvalidRequest,

    /// <summary>The scope is not <c>org</c> or <c>org/repo</c> (400).</summary>
    InvalidScope,

    /// <summary>The requested app does not exist or none was named where one is required (400).</summary>
    InvalidTarget,

    /// <summary>Missing, malformed, untrusted or expired token, or a token not meant for this service (401).</summary>
    InvalidToken,

    /// <summary>No policy, a policy that did not match, app not installed, GitHub refused the grant (403, one generic body).</summary>
    AccessDenied,

    /// <summary>GitHub rate-limited us (429 with Retry-After).</summary>
    RateLimited,

    /// <summary>The token's issuer could not be consulted (503).</summary>
    IdentityProviderUnavailable,

    /// <summary>GitHub could not be reached (503).</summary>
    GitHubUnavailable,

    /// <summary>The App's JWT could not be signed: its KMS is unreachable or refuses (503, nothing minted).</summary>
    SignerUnavailable,

    /// <summary>GitHub answered with an error we cannot pass on (502).</summary>
    GitHubError,

    /// <summary>The token was already exchanged (409; <c>invalid_request</c> on the RFC 8693 API).</summary>
    Replayed,

    /// <summary>The replay store could not be consulted: fail closed (503).</summary>
    ReplayStoreUnavailable,

    /// <summary>
    /// The caller went away: before the mint (nothing minted), or before the token could be delivered (it is revoked).
    /// 499 in metrics; nobody reads the response.
    /// </summary>
    ClientDisconnected,
}
