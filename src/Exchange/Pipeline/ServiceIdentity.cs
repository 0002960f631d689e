using GithubSts.Exchange.Identity;
using GithubSts.Exchange.Policies;

namespace GithubSts.Exchange.Pipeline;

/// <summary>
/// This deployment's identifier (<c>sts.identifier</c>) and its default audiences: the identifier, then
/// <c>sts.audiences</c>, which exist because each client defaults to a different audience (README "Audiences").
/// </summary>
public sealed class ServiceIdentity(string identifier, IReadOnlyList<string>? audiences = null)
{
    public string Identifier { get; } = identifier;

    /// <summary>What a policy naming no audience accepts; a token with none of them is not for this service.</summary>
    public AudienceSet Audiences { get; } = new([identifier, .. audiences ?? []]);

    /// <summary>Whether at least one of the token's audiences is this service's (ordinal, no trailing-slash or case folding).</summary>
    public bool IsAudienceOf(ValidatedIdentity caller) => Audiences.ContainsAny(caller.Audiences);
}
