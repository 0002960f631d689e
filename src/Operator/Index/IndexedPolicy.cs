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
