namespace GithubSts.Exchange.Policies;

/// <summary>Why a validated identity does not satisfy a trust policy.</summary>
public enum PolicyDenialReason
{
    None,
    IssuerMismatch,
    SubjectMismatch,
    AudienceMismatch,

    /// <summary>No audience of the token is this service's identifier: the token was minted for someone else.</summary>
    AudienceNotForService,
    ClaimMissing,
    ClaimNotString,
    ClaimMismatch,
    LifetimeTooLong,

    /// <summary>The policy limits the token lifetime but the token has neither <c>nbf</c> nor <c>iat</c>.</summary>
    LifetimeUnknown,
}
