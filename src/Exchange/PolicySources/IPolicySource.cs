using GithubSts.Exchange.Apps;
using GithubSts.Exchange.Policies;
using GithubSts.Exchange.Requests;

namespace GithubSts.Exchange.PolicySources;

/// <summary>
/// A place trust policies come from. Sources are consulted in ascending <see cref="Order"/>; the first that has a
/// policy for the lookup wins (the operator's index before repository-hosted files), unless that policy
/// <see cref="ResolvedPolicy.YieldsToLaterSources"/>: then a later source's policy for the same key wins, and the
/// yielding one serves only when no later source has one.
/// </summary>
public interface IPolicySource
{
    int Order { get; }

    ValueTask<ResolvedPolicy?> FindAsync(PolicyLookup lookup, CancellationToken cancellationToken);
}

/// <summary>The key of a policy: which app, which target, which identity.</summary>
public sealed record PolicyLookup(GitHubAppRuntime App, ExchangeTarget Target, string Identity)
{
    /// <summary>The caller token's audiences (validated), so a source can refuse work no policy of its kind could grant.</summary>
    public IReadOnlyList<string> Audiences { get; init; } = [];

    /// <summary>The caller token's issuer (validated): a pinned issuer may have audiences of its own.</summary>
    public string Issuer { get; init; } = string.Empty;
}

/// <summary>
/// A compiled policy and where it came from (<see cref="Origin"/> is logged, never returned to callers).
/// Sources may derive from it to carry source-specific facts that their own pipeline steps check.
/// </summary>
public record ResolvedPolicy(CompiledTrustPolicy Policy, string Origin)
{
    /// <summary>
    /// True for a policy that speaks for a scope on someone else's behalf (a TrustPolicy in a tenant namespace): the
    /// scope owner's own policy (a repository-hosted file) for the same key takes precedence over it.
    /// </summary>
    public virtual bool YieldsToLaterSources => false;
}
