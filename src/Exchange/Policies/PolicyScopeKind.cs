namespace GithubSts.Exchange.Policies;

/// <summary>Whether a policy grants access to one repository or is an organization-level policy.</summary>
public enum PolicyScopeKind
{
    /// <summary>Scope <c>org/repo</c>: the token is restricted to that repository; <c>repositories</c> is not allowed.</summary>
    Repository,

    /// <summary>Scope <c>org</c>: the token covers the policy's <c>repositories</c>, or every repository when absent.</summary>
    Organization,
}
