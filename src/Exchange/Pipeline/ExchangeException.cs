namespace GithubSts.Exchange.Pipeline;

/// <summary>
/// Ends an exchange. <see cref="PublicDescription"/> is a fixed sentence per failure class that reveals nothing
/// about policies or upstream answers; <see cref="Exception.Message"/> is the detail for the server log.
/// </summary>
public sealed class ExchangeException : Exception
{
    private ExchangeException(ExchangeErrorKind kind, string reasonCode, string publicDescription, string logDetail, TimeSpan? retryAfter, Exception? inner)
        : base(logDetail, inner)
    {
        Kind = kind;
        ReasonCode = reasonCode;
        PublicDescription = publicDescription;
        RetryAfter = retryAfter;
    }

    public ExchangeErrorKind Kind { get; }

    /// <summary>A stable, low-cardinality reason (e.g. <c>policy_not_found</c>, <c>token_expired</c>) for logs and audit.</summary>
    public string ReasonCode { get; }

    public string PublicDescription { get; }

    public TimeSpan? RetryAfter { get; }

    /// <summary>
    /// The HTTP status when it is not the kind's usual one: the status Kestrel chose for a body it would not read
    /// (413 too large, 408 too slow). Null: the endpoint maps <see cref="Kind"/>.
    /// </summary>
    public int? StatusCode { get; private init; }

    public static ExchangeException InvalidRequest(string reasonCode, string publicDescription) =>
        new(ExchangeErrorKind.InvalidRequest, reasonCode, publicDescription, publicDescription, null, null);

    /// <summary>The request body could not be read (Kestrel refused it with <paramref name="statusCode"/>).</summary>
    public static ExchangeException UnreadableBody(int statusCode, string reasonCode, string publicDescription) =>
        new(ExchangeErrorKind.InvalidRequest, reasonCode, publicDescription, publicDescription, null, null) { StatusCode = statusCode };

    public static ExchangeException InvalidScope() =>
        new(ExchangeErrorKind.InvalidScope, "invalid_scope", "scope must be 'org' or 'org/repo' using GitHub name characters", "invalid scope", null, null);

    public static ExchangeException InvalidTarget(string reasonCode, string publicDescription) =>
        new(ExchangeErrorKind.InvalidTarget, reasonCode, publicDescription, publicDescription, null, null);

    public static ExchangeException InvalidToken(string reasonCode, string logDetail, Exception? inner = null) =>
        new(ExchangeErrorKind.InvalidToken, reasonCode, "the bearer token is invalid or was not issued for this service", logDetail, null, inner);

    public static ExchangeException AccessDenied(string reasonCode, string logDetail, Exception? inner = null) =>
        new(ExchangeErrorKind.AccessDenied, reasonCode, "the token is not authorized for the requested scope and identity", logDetail, null, inner);

    /// <summary>
    /// The caller, who already matched its policy, asked for more than the policy allows: the description says what,
    /// which tells the caller nothing about the policy that a narrower request would not.
    /// </summary>
    public static ExchangeException ExceedsPolicy(string publicDescription, string logDetail) =>
        new(ExchangeErrorKind.AccessDenied, ReasonCodes.RequestExceedsPolicy, "the request exceeds the policy: " + publicDescription, logDetail, null, null);

    public static ExchangeException RateLimited(TimeSpan retryAfter, string logDetail, Exception? inner = null) =>
        new(ExchangeErrorKind.RateLimited, "github_rate_limited", "GitHub rate limit reached; retry later", logDetail, retryAfter, inner);

    /// <summary>A policy read was refused to protect GitHub quota (owner budget, rate-limit reserve); nothing was sent.</summary>
    public static ExchangeException PolicyReadRefused(string reasonCode, TimeSpan retryAfter, string logDetail, Exception? inner = null) =>
        new(ExchangeErrorKind.RateLimited, reasonCode, "policy reads are paused to protect the GitHub rate limit; retry later", logDetail, retryAfter, inner);

    public static ExchangeException IdentityProviderUnavailable(string logDetail, Exception? inner = null) =>
        new(ExchangeErrorKind.IdentityProviderUnavailable, "issuer_unavailable", "the token issuer could not be reached; retry later", logDetail, TimeSpan.FromSeconds(30), inner);

    public static ExchangeException GitHubUnavailable(string logDetail, Exception? inner = null) =>
        new(ExchangeErrorKind.GitHubUnavailable, "github_unavailable", "GitHub could not be reached; retry later", logDetail, TimeSpan.FromSeconds(30), inner);

    /// <param name="reasonCode"><c>signer_unavailable</c> (try later) or <c>signer_access_denied</c> (KMS refuses: fix the key or its policy).</param>
    public static ExchangeException SignerUnavailable(string reasonCode, string logDetail, Exception? inner = null) =>
        new(ExchangeErrorKind.SignerUnavailable, reasonCode, "the GitHub App's signing key could not be used; retry later", logDetail, TimeSpan.FromSeconds(30), inner);

    public static ExchangeException GitHubError(string logDetail, Exception? inner = null) =>
        new(ExchangeErrorKind.GitHubError, "github_error", "GitHub returned an unexpected error", logDetail, null, inner);

    public static ExchangeException Replayed(string logDetail = "token already exchanged") =>
        new(ExchangeErrorKind.Replayed, "token_replayed", "this token has already been used", logDetail, null, null);

    /// <param name="reasonCode"><see cref="ReasonCodes.AbortedBeforeMint"/> or <see cref="ReasonCodes.NotDelivered"/>.</param>
    public static ExchangeException ClientDisconnected(string reasonCode, string logDetail) =>
        new(ExchangeErrorKind.ClientDisconnected, reasonCode, "the client closed the request", logDetail, null, null);

    public static ExchangeException ReplayStoreUnavailable(string logDetail, Exception? inner = null) =>
        new(ExchangeErrorKind.ReplayStoreUnavailable, "replay_store_unavailable", "the service is temporarily unavailable; retry later", logDetail, TimeSpan.FromSeconds(5), inner);
}
