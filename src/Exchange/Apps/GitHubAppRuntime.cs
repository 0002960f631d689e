using GithubSts.Exchange.GitHub;

namespace GithubSts.Exchange.Apps;

/// <summary>A GitHub App the service can mint with, plus where its repository-hosted policies live.</summary>
public sealed class GitHubAppRuntime
{
    public required GitHubAppCredentials Credentials { get; init; }

    public required PolicyPathTemplate PolicyPath { get; init; }

    /// <summary>The repository that holds organization-level policies (default <c>.github</c>).</summary>
    public required string OrgPolicyRepository { get; init; }

    /// <summary>Whether policy files hosted in GitHub repositories are honoured for this app.</summary>
    public bool RepositoryPoliciesEnabled { get; init; } = true;

    public string Name => Credentials.Name;
}
