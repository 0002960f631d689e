namespace GithubSts.Exchange.Identity;

/// <summary>Why a token was refused. Stable names: they appear in logs, audit events and metric labels.</summary>
public enum TokenRejectionReason
{
    Malformed,
    TooLarge,
    UnsupportedAlgorithm,
    ForbiddenHeader,

    /// <summary>The <c>typ</c> header is not <c>JWT</c> (for example an <c>at+jwt</c> access token).</summary>
    UnsupportedTokenType,
    DuplicateMember,
    InvalidClaim,
    IssuerNotAllowed,
    DiscoveryInvalid,
    UnknownKey,
    BadSignature,
    Expired,
    NotYetValid,
    IssuedInFuture,
    LifetimeTooLong,
    AudienceMismatch,
}

/// <summary>The caller's token is not acceptable. The message is for the server log, never for the caller.</summary>
public sealed class TokenRejectedException(TokenRejectionReason reason, string message, Exception? inner = null)
    : Exception(message, inner)
{
    public TokenRejectionReason Reason { get; } = reason;
}
