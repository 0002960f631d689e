namespace GithubSts.Exchange.Policies;

/// <summary>Why a validated identity does not satisfy a trust policy.</summary>
public enum PolicyDenialReason
{
    None,
    IssuerMismatch,
    SubjectMismatch,
    AudienceMismatch,

    /// <summary>No audience of the token is one of this service's (<c>sts.identifier</c>, <c>sts.audiences</c>): it was minted for someone else.</summary>
    AudienceNotForService,
    ClaimMissing,
    ClaimNotString,
    ClaimMismatch,
    LifetimeTooLong,

    /// <summary>The policy limits the token lifetime but the token has neither <c>nbf</c> nor <c>iat</c>.</summary>
    LifetimeUnknown,
}
