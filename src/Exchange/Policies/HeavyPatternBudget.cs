namespace GithubSts.Exchange.Policies;

/// <summary>
/// How many patterns that need the linear-time engine (<see cref="CompiledPattern.IsHeavy"/>) one tenant may have
/// serving at once: every replica builds their automata, so one author must not be able to make all of them grow.
/// </summary>
public static class HeavyPatternBudget
{
    /// <summary>Across the TrustPolicies of one namespace (checked by the operator when indexing).</summary>
    public const int PerNamespace = 64;

    /// <summary>Across the repository-hosted policy files of one owner (organization or user) cached by a replica.</summary>
    public const int PerOwner = 64;
}
