using System.Collections.Immutable;
using GithubSts.Exchange.PolicySources;

namespace GithubSts.Operator.Index;

/// <summary>
/// Reconciled TrustPolicies, consulted before repository-hosted files (which still win over a policy that yields, see
/// <see cref="IndexedPolicy.YieldsToLaterSources"/>). Within one namespace the oldest policy for a key serves; when
/// policies of two or more namespaces claim one key none of them serves, so no tenant can displace another by
/// being first. Readers take the current immutable snapshot
/// without locking; writers build the next snapshot under a lock and swap it in atomically (YARP's config snapshot).
/// Removing a policy takes effect for the very next lookup.
/// </summary>
public sealed class PolicyIndex : IPolicySource
{
    public const int DefaultOrder = 100;

    private readonly Lock _writeLock = new();
    private volatile Snapshot _snapshot = Snapshot.Empty;

    // Heavy (linear-time engine) patterns per indexed policy and per namespace; written under _writeLock.
    private readonly Dictionary<(string Namespace, string Name), int> _heavyByOwner = [];
    private readonly Dictionary<string, int> _heavyByNamespace = new(StringComparer.Ordinal);

    public int Order => DefaultOrder;

    /// <summary>
    /// Raised after a write with a key whose winner may have changed, and whether a policy left that key
    /// (then a former loser may now win). Used to requeue competing policies so their Ready conditions follow.
    /// </summary>
    public event Action<PolicyIndexKey, bool>? KeyChanged;

    public int Count => _snapshot.Owners.Count;

    public ValueTask<ResolvedPolicy?> FindAsync(PolicyLookup lookup, CancellationToken cancellationToken)
    {
        var key = new PolicyIndexKey(lookup.App.Name, lookup.Target.ToString(), lookup.Identity);
        return ValueTask.FromResult<ResolvedPolicy?>(Winner(key));
    }

    /// <summary>
    /// The policy that serves <paramref name="key"/>: the oldest of those claiming it, when they are all of one
    /// namespace; none when several namespaces claim the key.
    /// </summary>
    public IndexedPolicy? Winner(PolicyIndexKey key) =>
        _snapshot.Candidates.TryGetValue(key, out var candidates) && !Contested(candidates) ? candidates[0] : null;

    /// <summary>Where the policy <paramref name="ns"/>/<paramref name="name"/> stands at its key.</summary>
    public KeyStanding StandingOf(PolicyIndexKey key, string ns, string name)
    {
        if (!_snapshot.Candidates.TryGetValue(key, out var candidates)
            || candidates.FindIndex(p => p.Namespace == ns && p.Name == name) < 0)
        {
            return KeyStanding.Absent;
        }

        if (Contested(candidates))
        {
            return KeyStanding.ContestedAcrossNamespaces;
        }

        return candidates[0].Name == name ? KeyStanding.Serves : KeyStanding.OlderInSameNamespace;
    }

    /// <summary>
    /// Adds or replaces the entry of one TrustPolicy (which may have moved to another key). Re-adding the same
    /// generation at the same key changes nothing and raises no event, so reconciles triggered by events settle.
    /// </summary>
    public void Upsert(IndexedPolicy policy) => TryUpsert(policy, int.MaxValue);

    /// <summary>
    /// <see cref="Upsert"/>, unless the heavy patterns of <paramref name="policy"/>'s namespace would then exceed
    /// <paramref name="heavyPatternsPerNamespace"/> (the policy's own earlier entry not counted): then nothing changes.
    /// Check and write happen under one lock, so concurrent reconciles cannot both squeeze in.
    /// </summary>
    public bool TryUpsert(IndexedPolicy policy, int heavyPatternsPerNamespace)
    {
        ArgumentNullException.ThrowIfNull(policy);
        PolicyIndexKey? previousKey;
        lock (_writeLock)
        {
            var snapshot = _snapshot;
            var owner = (policy.Namespace, policy.Name);
            var heavy = policy.Compiled.HeavyPatternCount;
            var others = HeavyPatternsIn(policy.Namespace) - _heavyByOwner.GetValueOrDefault(owner);
            if (heavy > 0 && others + heavy > heavyPatternsPerNamespace)
            {
                return false;
            }

            SetHeavy(owner, heavy);
            previousKey = snapshot.Owners.TryGetValue(owner, out var previous) ? previous : null;
            if (previousKey == policy.Key && Candidates(policy.Key).FirstOrDefault(p => (p.Namespace, p.Name) == owner) is { } same
                && same.Generation == policy.Generation && same.Created == policy.Created
                && same.OverridesRepositoryPolicies == policy.OverridesRepositoryPolicies)
            {
                return true;
            }

            var candidates = previousKey is { } old ? Without(snapshot.Candidates, old, owner) : snapshot.Candidates;
            var list = candidates.TryGetValue(policy.Key, out var existing) ? existing : [];
            list = list.Add(policy).Sort(IndexedPolicy.CompareAge);
            _snapshot = new Snapshot(candidates.SetItem(policy.Key, list), snapshot.Owners.SetItem(owner, policy.Key));
        }

        if (previousKey is { } moved && moved != policy.Key)
        {
            KeyChanged?.Invoke(moved, true);
        }

        KeyChanged?.Invoke(policy.Key, false);
        return true;
    }

    /// <summary>Heavy patterns of the policies of <paramref name="ns"/> now in the index.</summary>
    public int HeavyPatternsIn(string ns)
    {
        lock (_writeLock)
        {
            return _heavyByNamespace.GetValueOrDefault(ns);
        }
    }

    /// <summary>Removes the entry of one TrustPolicy, if any.</summary>
    public void Remove(string ns, string name)
    {
        PolicyIndexKey key;
        lock (_writeLock)
        {
            var snapshot = _snapshot;
            var owner = (ns, name);
            if (!snapshot.Owners.TryGetValue(owner, out key))
            {
                return;
            }

            SetHeavy(owner, 0);

            _snapshot = new Snapshot(Without(snapshot.Candidates, key, owner), snapshot.Owners.Remove(owner));
        }

        KeyChanged?.Invoke(key, true);
    }

    /// <summary>Every policy competing for <paramref name="key"/>, oldest first.</summary>
    public IReadOnlyList<IndexedPolicy> Candidates(PolicyIndexKey key) =>
        _snapshot.Candidates.TryGetValue(key, out var candidates) ? candidates : [];

    private static bool Contested(ImmutableList<IndexedPolicy> candidates) =>
        candidates.Exists(p => !string.Equals(p.Namespace, candidates[0].Namespace, StringComparison.Ordinal));

    private void SetHeavy((string Namespace, string Name) owner, int heavy)
    {
        var total = _heavyByNamespace.GetValueOrDefault(owner.Namespace) - _heavyByOwner.GetValueOrDefault(owner) + heavy;
        if (heavy == 0)
        {
            _heavyByOwner.Remove(owner);
        }
        else
        {
            _heavyByOwner[owner] = heavy;
        }

        if (total == 0)
        {
            _heavyByNamespace.Remove(owner.Namespace);
        }
        else
        {
            _heavyByNamespace[owner.Namespace] = total;
        }
    }

    private static ImmutableDictionary<PolicyIndexKey, ImmutableList<IndexedPolicy>> Without(
        ImmutableDictionary<PolicyIndexKey, ImmutableList<IndexedPolicy>> candidates, PolicyIndexKey key, (string, string) owner)
    {
        if (!candidates.TryGetValue(key, out var list))
        {
            return candidates;
        }

        list = list.RemoveAll(p => (p.Namespace, p.Name) == owner);
        return list.IsEmpty ? candidates.Remove(key) : candidates.SetItem(key, list);
    }

    private sealed record Snapshot(
        ImmutableDictionary<PolicyIndexKey, ImmutableList<IndexedPolicy>> Candidates,
        ImmutableDictionary<(string Namespace, string Name), PolicyIndexKey> Owners)
    {
        public static Snapshot Empty { get; } = new(
            ImmutableDictionary<PolicyIndexKey, ImmutableList<IndexedPolicy>>.Empty,
            ImmutableDictionary<(string, string), PolicyIndexKey>.Empty);
    }
}

/// <summary>How one TrustPolicy stands at its (app, scope, identity) key.</summary>
public enum KeyStanding
{
    /// <summary>Not in the index.</summary>
    Absent,

    /// <summary>It serves the key.</summary>
    Serves,

    /// <summary>An older policy of the same namespace serves the key.</summary>
    OlderInSameNamespace,

    /// <summary>Policies of several namespaces claim the key, so none serves.</summary>
    ContestedAcrossNamespaces,
}
