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

    /// <summary>
    /// The most any policy of this App may grant (permission → level); null: no ceiling beyond GitHub's own.
    /// Applies to TrustPolicies and repository-hosted files alike.
    /// </summary>
    public IReadOnlyDictionary<string, string>? MaxPermissions { get; init; }

    /// <summary>Whether organization-level policies of this App may grant organization permissions (off by default).</summary>
    public bool AllowOrganizationPermissions { get; init; }

    /// <summary>Verifies this App's webhook deliveries; null: deliveries for it are refused (401).</summary>
    public Webhooks.WebhookSecret? WebhookSecret { get; init; }

    public string Name => Credentials.Name;
}
