using System.Collections.Immutable;

namespace GithubSts.Exchange.Policies;

/// <summary>A validated trust policy, ready for <see cref="TrustPolicyEvaluator"/>. Immutable and thread-safe.</summary>
public sealed class CompiledTrustPolicy
{
    private readonly ImmutableSortedDictionary<string, string> _permissions;

    internal CompiledTrustPolicy(
        PolicyScopeKind kind,
        MatchRule issuer,
        MatchRule subject,
        MatchRule? audience,
        ImmutableArray<ClaimRule> claims,
        ImmutableSortedDictionary<string, string> permissions,
        IReadOnlyList<string>? repositories,
        bool coversEveryRepository,
        TimeSpan? maxTokenLifetime)
    {
        Kind = kind;
        Issuer = issuer;
        Subject = subject;
        Audience = audience;
        Claims = claims;
        _permissions = permissions;
        Permissions = permissions;
        Repositories = repositories;
        CoversEveryRepository = coversEveryRepository;
        MaxTokenLifetime = maxTokenLifetime;
    }

    public PolicyScopeKind Kind { get; }

    /// <summary>Permission name → level, ordinal-sorted, never empty.</summary>
    public IReadOnlyDictionary<string, string> Permissions { get; }

    /// <summary>
    /// The repositories an organization-level policy lists by name (never null for one; may be empty when it lists only
    /// <c>*</c>). Null for repository-level policies, which cover their own repository.
    /// </summary>
    public IReadOnlyList<string>? Repositories { get; }

    /// <summary>
    /// The policy lists <c>*</c>: every repository of the installation, except the org policy repository unless
    /// <see cref="Repositories"/> names it too.
    /// </summary>
    public bool CoversEveryRepository { get; }

    public TimeSpan? MaxTokenLifetime { get; }

    /// <summary>Patterns that need the linear-time engine: what the per-namespace and per-owner budgets count.</summary>
    public int HeavyPatternCount { get; internal init; }

    internal MatchRule Issuer { get; }

    internal MatchRule Subject { get; }

    /// <summary>Null: at least one token audience must be a default audience (<c>sts.identifier</c>, <c>sts.audiences</c>).</summary>
    internal MatchRule? Audience { get; }

    internal ImmutableArray<ClaimRule> Claims { get; }

    /// <summary>
    /// This policy, accepting <paramref name="audiences"/> instead of the service's default audiences when it names no
    /// audience of its own: how a policy source narrows what its policies may accept. A policy naming one is returned as is.
    /// </summary>
    internal CompiledTrustPolicy WithDefaultAudiences(AudienceSet audiences) => Audience is not null
        ? this
        : new CompiledTrustPolicy(
            Kind, Issuer, Subject, MatchRule.ForAnyOf(audiences), Claims, _permissions, Repositories, CoversEveryRepository, MaxTokenLifetime)
        {
            HeavyPatternCount = HeavyPatternCount,
        };
}
