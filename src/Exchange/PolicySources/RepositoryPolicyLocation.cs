using GithubSts.Exchange.Policies;

namespace GithubSts.Exchange.PolicySources;

/// <summary>Where a repository-hosted policy for a lookup lives and how it must be read.</summary>
/// <param name="Directory">
/// The deepest directory of <paramref name="Path"/> that does not depend on the identity: its listing tells, for every
/// identity at once, whether a policy can exist (empty for the repository root).
/// </param>
/// <param name="EntryName">The entry of <paramref name="Directory"/> the identity selects (the file, or a directory above it).</param>
/// <param name="EntryIsFile">Whether <paramref name="EntryName"/> is the policy file itself.</param>
internal sealed record RepositoryPolicyLocation(
    string Owner, string Repository, string Path, PolicyScopeKind Kind, string Directory, string EntryName, bool EntryIsFile)
{
    private const string IdentityPlaceholder = "{identity}";

    /// <summary>
    /// Scope <c>org</c> reads the org policy repo; <c>org/repo</c> reads that repo, except that the org policy repo
    /// itself is governed by organization-level policies (as octo-sts does).
    /// </summary>
    public static RepositoryPolicyLocation For(PolicyLookup lookup)
    {
        var app = lookup.App;
        var path = app.PolicyPath.Render(app.Name, lookup.Identity);
        var (directory, entry, entryIsFile) = SplitAtIdentity(app.PolicyPath.Template, path);
        var target = lookup.Target;
        if (target.Repository is null
            || string.Equals(target.Repository, app.OrgPolicyRepository, StringComparison.OrdinalIgnoreCase))
        {
            return new(target.Owner, target.Repository ?? app.OrgPolicyRepository, path, PolicyScopeKind.Organization, directory, entry, entryIsFile);
        }

        return new(target.Owner, target.Repository, path, PolicyScopeKind.Repository, directory, entry, entryIsFile);
    }

    /// <summary>GitHub names are case-insensitive: <c>Org/Repo</c> and <c>org/repo</c> share one cache entry.</summary>
    public string CacheKey(string appName) =>
        string.Concat(appName, "\n", Owner.ToLowerInvariant(), "\n", Repository.ToLowerInvariant(), "\n", Path);

    /// <summary>One key per listed directory, whatever the identity: varying the identity cannot miss this cache.</summary>
    public string DirectoryCacheKey(string appName) =>
        string.Concat(appName, "\n", Owner.ToLowerInvariant(), "\n", Repository.ToLowerInvariant(), "\n", Directory, "/");

    /// <summary>
    /// Splits a rendered path at the first template segment holding <c>{identity}</c>: the segments before it are the
    /// same for every identity. Identities never contain '/', so template and path have the same segments.
    /// </summary>
    internal static (string Directory, string Entry, bool EntryIsFile) SplitAtIdentity(string template, string path)
    {
        var templateSegments = template.Split('/');
        var pathSegments = path.Split('/');
        var index = Array.FindIndex(templateSegments, s => s.Contains(IdentityPlaceholder, StringComparison.Ordinal));
        if (index < 0 || templateSegments.Length != pathSegments.Length)
        {
            throw new ArgumentException("the policy path template must contain {identity} in one segment", nameof(template));
        }

        return (string.Join('/', pathSegments[..index]), pathSegments[index], index == pathSegments.Length - 1);
    }
}
