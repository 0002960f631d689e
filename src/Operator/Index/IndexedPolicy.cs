using GithubSts.Exchange.Policies;
using GithubSts.Exchange.PolicySources;

namespace GithubSts.Operator.Index;

/// <summary>
/// A policy from a <c>TrustPolicy</c> resource. <see cref="Namespace"/> is the tenancy boundary: the cluster's own
/// service-account tokens may only use policies of their own namespace (checked by <see cref="ClusterTenancyStep"/>).
/// </summary>
public sealed record IndexedPolicy(
    CompiledTrustPolicy Compiled, string Namespace, string Name, DateTimeOffset Created, PolicyIndexKey Key, long Generation = 0)
    : ResolvedPolicy(Compiled, $"trustpolicy:{Namespace}/{Name}")
{
    /// <summary>Set at admission from the namespace's grant (<c>overrideRepositoryPolicies</c>); false by default.</summary>
    public bool OverridesRepositoryPolicies { get; init; }

    /// <summary>The repository owner's own policy file for the key wins unless the grant says this namespace overrides it.</summary>
    public override bool YieldsToLaterSources => !OverridesRepositoryPolicies;

    /// <summary>When two policies claim one key the oldest wins; ties break by namespace then name, so every replica agrees.</summary>
    internal static int CompareAge(IndexedPolicy a, IndexedPolicy b)
    {
        var byTime = a.Created.CompareTo(b.Created);
        if (byTime != 0)
        {
            return byTime;
        }

        var byNamespace = string.CompareOrdinal(a.Namespace, b.Namespace);
        return byNamespace != 0 ? byNamespace : string.CompareOrdinal(a.Name, b.Name);
    }
}
