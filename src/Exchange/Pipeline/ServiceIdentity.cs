using System.Collections.Frozen;
using GithubSts.Exchange.Identity;
using GithubSts.Exchange.Policies;

namespace GithubSts.Exchange.Pipeline;

/// <summary>
/// This deployment's identifier (<c>sts.identifier</c>) and its default audiences: the identifier, then
/// <c>sts.audiences</c>, which exist because each client defaults to a different audience (README "Audiences"). A pinned
/// issuer with its own <c>audiences</c> (<c>sts.issuers</c>) has those instead, for its tokens only.
/// </summary>
public sealed class ServiceIdentity(
    string identifier, IReadOnlyList<string>? audiences = null, IReadOnlyDictionary<string, IReadOnlyList<string>>? issuerAudiences = null)
{
    private readonly FrozenDictionary<string, AudienceSet> byIssuer = (issuerAudiences ?? new Dictionary<string, IReadOnlyList<string>>())
        .ToFrozenDictionary(e => e.Key, e => new AudienceSet(e.Value), StringComparer.Ordinal);

    public string Identifier { get; } = identifier;

    /// <summary>What a policy naming no audience accepts; a token with none of them is not for this service.</summary>
    public AudienceSet Audiences { get; } = new([identifier, .. audiences ?? []]);

    /// <summary>The default audiences of <paramref name="issuer"/>'s tokens (exact, ordinal issuer match).</summary>
    public AudienceSet AudiencesFor(string issuer) => byIssuer.GetValueOrDefault(issuer) ?? Audiences;

    /// <summary>Whether at least one of the token's audiences is this service's (ordinal, no trailing-slash or case folding).</summary>
    public bool IsAudienceOf(ValidatedIdentity caller) => AudiencesFor(caller.Issuer).ContainsAny(caller.Audiences);
}
