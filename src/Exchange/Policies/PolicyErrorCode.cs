namespace GithubSts.Exchange.Policies;

/// <summary>Why a trust policy could not be parsed or compiled.</summary>
public enum PolicyErrorCode
{
    InvalidYaml,
    UnknownField,
    MissingField,
    ConflictingFields,
    InvalidPattern,
    OverlyBroadPattern,
    UnknownPermission,
    InvalidPermissionLevel,
    MissingPermissions,
    RepositoriesNotAllowed,
    InvalidRepository,
    InvalidLifetime,

    /// <summary>A repository-hosted policy names an audience outside <c>policies.repositoryAudiences</c> (or a pattern).</summary>
    AudienceNotAllowed,
}
