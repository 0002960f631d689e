namespace GithubSts.Exchange.Pipeline;

/// <summary>A minted token and what GitHub actually granted.</summary>
public sealed record ExchangeResult(
    string Token,
    DateTimeOffset ExpiresAt,
    IReadOnlyDictionary<string, string> Permissions,
    IReadOnlyList<string> Repositories,
    string RepositorySelection,
    string Scope,
    string Identity,
    string App);
