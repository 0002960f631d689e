using GithubSts.Exchange.Policies;
using GithubSts.Exchange.Requests;

namespace GithubSts.Operator.GitHubTokens;

/// <summary>A GitHubToken's spec once validated: what to mint, and where and how to deliver it.</summary>
/// <param name="Repositories">Organization scope: the names listed (without <c>*</c>); null for a repository scope.</param>
/// <param name="EveryRepository">The list says <c>*</c>: every repository of the installation.</param>
public sealed record TokenRequest(
    string App,
    ExchangeTarget Target,
    IReadOnlyDictionary<string, string> Permissions,
    IReadOnlyList<string>? Repositories,
    bool EveryRepository,
    SecretPlan Secret,
    TimeSpan RefreshBefore)
{
    public PolicyScopeKind Kind => Target.IsOrganization ? PolicyScopeKind.Organization : PolicyScopeKind.Repository;
}

/// <summary>The Secret the token goes into.</summary>
public sealed record SecretPlan(
    string Name, SecretFormat Format, IReadOnlyDictionary<string, string> Labels, IReadOnlyDictionary<string, string> Annotations);
