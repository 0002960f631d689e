using System.Collections.Frozen;

namespace GithubSts.Exchange.Identity;

/// <summary>An immutable snapshot of one issuer's discovery document and usable keys. Keys never cross issuers.</summary>
internal sealed class IssuerMetadata
{
    private readonly FrozenDictionary<string, SigningKey> keysById;
    private readonly SigningKey? onlyKey;

    public IssuerMetadata(string issuer, DiscoveryDocument discovery, IReadOnlyList<SigningKey> keys, DateTimeOffset fetchedAt)
    {
        Issuer = issuer;
        JwksUri = discovery.JwksUri;
        Algorithms = discovery.Algorithms;
        FetchedAt = fetchedAt;
        KeyCount = keys.Count;

        // A kid published twice is ambiguous, so neither copy is selectable by that kid.
        var byId = new Dictionary<string, SigningKey>(StringComparer.Ordinal);
        var ambiguous = new HashSet<string>(StringComparer.Ordinal);
        foreach (var key in keys)
        {
            if (key.KeyId is { } kid && !byId.TryAdd(kid, key))
            {
                ambiguous.Add(kid);
            }
        }

        foreach (var kid in ambiguous)
        {
            byId.Remove(kid);
        }

        keysById = byId.ToFrozenDictionary(StringComparer.Ordinal);
        onlyKey = keys.Count == 1 ? keys[0] : null;
    }

    public string Issuer { get; }

    public string JwksUri { get; }

    public JwsAlgorithm Algorithms { get; }

    public DateTimeOffset FetchedAt { get; }

    public int KeyCount { get; }

    /// <summary>
    /// A kid selects exactly one key. Without a kid, a key is chosen only when the set holds exactly one usable key, so
    /// the choice is deterministic (Depthmark picks at random; sts-cat takes the first).
    /// </summary>
    public SigningKey? FindKey(string? kid) => kid is null ? onlyKey : keysById.GetValueOrDefault(kid);
}
