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

    public RepositoryAudienceRule(IReadOnlyList<string> allowed, string serviceIdentifier)
    {
        _serviceIdentifier = serviceIdentifier;
        _allowed = (allowed.Count == 0 ? [serviceIdentifier] : allowed).ToFrozenSet(StringComparer.Ordinal);
    }

    /// <summary>
    /// Whether any repository-hosted policy could accept a token with these audiences. A policy there accepts exactly
    /// one audience (see <see cref="Check"/>) and every audience of a token must be accepted, so the token must carry
    /// one distinct audience, from the allowed list.
    /// </summary>
    public bool CouldAccept(IReadOnlyList<string> audiences)
    {
        if (audiences.Count == 0 || !_allowed.Contains(audiences[0]))
        {
            return false;
        }

        for (var i = 1; i < audiences.Count; i++)
        {
            if (!string.Equals(audiences[i], audiences[0], StringComparison.Ordinal))
            {
                return false;
            }
        }

        return true;
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
}
