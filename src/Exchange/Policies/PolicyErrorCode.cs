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

    /// <summary>A permission that acts beyond the policy's scope (organization permission in a repository policy, account or enterprise permission anywhere).</summary>
    PermissionOutsideScope,

    /// <summary>An organization policy without <c>repositories</c>.</summary>
    MissingRepositories,

    /// <summary>A GitHub Actions policy whose subject rule accepts workflows of other owners' (or other) repositories.</summary>
    UnpinnedRepositorySubject,

    /// <summary>Organization permissions in a policy of an App that does not allow them.</summary>
    OrganizationPermissionsNotAllowed,

    /// <summary>A permission or level above the App's <c>maxPermissions</c>.</summary>
    PermissionExceedsApp,

    /// <summary>A pattern too ambiguous or too large for either engine (see README, Pattern language).</summary>
    PatternTooComplex,

    /// <summary>More patterns, pattern size or heavy patterns than one policy, namespace or owner may have.</summary>
    PatternBudgetExceeded,

    /// <summary>A repository-hosted policy names an audience outside <c>policies.repositoryAudiences</c> (or a pattern).</summary>
    AudienceNotAllowed,
}
