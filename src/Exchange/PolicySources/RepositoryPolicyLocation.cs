using GithubSts.Exchange.Policies;

namespace GithubSts.Exchange.PolicySources;

/// <summary>Where a repository-hosted policy for a lookup lives and how it must be read.</summary>
internal sealed record RepositoryPolicyLocation(string Owner, string Repository, string Path, PolicyScopeKind Kind)
{
    /// <summary>
    /// Scope <c>org</c> reads the org policy repo; <c>org/repo</c> reads that repo, except that the org policy repo
    /// itself is governed by organization-level policies (as octo-sts does).
    /// </summary>
    public static RepositoryPolicyLocation For(PolicyLookup lookup)
    {
        var app = lookup.App;
        var path = app.PolicyPath.Render(app.Name, lookup.Identity);
        var target = lookup.Target;
        if (target.Repository is null
            || string.Equals(target.Repository, app.OrgPolicyRepository, StringComparison.OrdinalIgnoreCase))
        {
            return new(target.Owner, target.Repository ?? app.OrgPolicyRepository, path, PolicyScopeKind.Organization);
        }

        return new(target.Owner, target.Repository, path, PolicyScopeKind.Repository);
    }

    /// <summary>GitHub names are case-insensitive: <c>Org/Repo</c> and <c>org/repo</c> share one cache entry.</summary>
    public string CacheKey(string appName) =>
        string.Concat(appName, "\n", Owner.ToLowerInvariant(), "\n", Repository.ToLowerInvariant(), "\n", Path);
}
