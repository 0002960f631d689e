using System.Collections.Frozen;
using GithubSts.Exchange.Policies;

namespace GithubSts.Exchange.PolicySources;

/// <summary>
/// Which audiences repository-hosted policies may accept. Known before any GitHub call, so a token minted for another
/// relying party (or for nobody in particular) can never make the service read policies on the caller's behalf.
/// </summary>
internal sealed class RepositoryAudienceRule
{
    private readonly FrozenSet<string> _allowed;
    private readonly string _serviceIdentifier;

    /// <summary>
    /// What a file naming no audience accepts when <c>policies.repositoryAudiences</c> leaves out some default
    /// audiences (<c>sts.audiences</c>): only the defaults the list allows. Null when it allows all of them.
    /// </summary>
    private readonly AudienceSet? _narrowedDefaults;

    /// <summary>Per pinned issuer with audiences of its own: those of them the allowed list allows.</summary>
    private readonly FrozenDictionary<string, FrozenSet<string>> _byIssuer;

    public RepositoryAudienceRule(
        IReadOnlyList<string> allowed, string serviceIdentifier, IReadOnlyList<string> stsAudiences,
        IReadOnlyDictionary<string, IReadOnlyList<string>>? issuerAudiences = null)
    {
        _serviceIdentifier = serviceIdentifier;
        string[] defaults = [serviceIdentifier, .. stsAudiences];
        _allowed = (allowed.Count == 0 ? defaults : allowed).ToFrozenSet(StringComparer.Ordinal);
        if (!defaults.All(_allowed.Contains))
        {
            _narrowedDefaults = new AudienceSet(defaults.Where(_allowed.Contains));
        }

        _byIssuer = (issuerAudiences ?? new Dictionary<string, IReadOnlyList<string>>()).ToFrozenDictionary(
            e => e.Key, e => e.Value.Where(_allowed.Contains).ToFrozenSet(StringComparer.Ordinal), StringComparer.Ordinal);
    }

    /// <summary>
    /// Whether any repository-hosted policy could accept a token with these audiences: a policy there accepts only
    /// audiences from the allowed list (see <see cref="Check"/>), and a token needs one accepted audience.
    /// </summary>
    public bool CouldAccept(IReadOnlyList<string> audiences) => CouldAccept(string.Empty, audiences);

    /// <summary>As above, for a token of <paramref name="issuer"/>: a pinned issuer with audiences of its own needs one of those.</summary>
    public bool CouldAccept(string issuer, IReadOnlyList<string> audiences)
    {
        var allowed = _byIssuer.GetValueOrDefault(issuer) ?? _allowed;
        for (var i = 0; i < audiences.Count; i++)
        {
            if (allowed.Contains(audiences[i]))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The problem with a policy file's audience, or null: exact audiences from the allowed list only.</summary>
    public PolicyError? Check(TrustPolicyDefinition definition)
    {
        if (definition.AudiencePattern is not null)
        {
            return new PolicyError(
                PolicyErrorCode.AudienceNotAllowed, "audience_pattern",
                "repository-hosted policies cannot use audience_pattern; set audience to one of policies.repositoryAudiences");
        }

        var audience = definition.Audience ?? _serviceIdentifier;
        return _allowed.Contains(audience)
            ? null
            : new PolicyError(PolicyErrorCode.AudienceNotAllowed, "audience", "is not one of policies.repositoryAudiences");
    }

    /// <summary>The policy as this source serves it: naming no audience, it accepts only the allowed default audiences.</summary>
    public CompiledTrustPolicy Apply(CompiledTrustPolicy policy) =>
        _narrowedDefaults is null ? policy : policy.WithDefaultAudiences(_narrowedDefaults);
}
