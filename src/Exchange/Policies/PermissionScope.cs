namespace GithubSts.Exchange.Policies;

/// <summary>What a GitHub App permission acts on (the groups of GitHub's <c>app-permissions</c> schema).</summary>
public enum PermissionScope
{
    /// <summary>Limited by the token's repositories: safe in a repository-level policy.</summary>
    Repository,

    /// <summary>Acts on the whole organization whatever repositories the token lists.</summary>
    Organization,

    /// <summary>A user account's own settings (e-mail, keys, followers …): never meant for an organization's token.</summary>
    Account,

    /// <summary>Applies only to an App installed on an enterprise, which this service never mints for.</summary>
    Enterprise,
}
