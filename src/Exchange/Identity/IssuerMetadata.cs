
namespace GithubSts.Exchange.Identity;

/// <summary>An immutable snapshot of one issuer's discovery document and usable keys. Keys never cross issuers.</summary>
internal sealed class IssuerMetadata
{
    private readonly SigningKeySet keySet;

    public IssuerMetadata(string issuer, DiscoveryDocument discovery, IReadOnlyList<SigningKey> keys, DateTimeOffset fetchedAt)
    {
        Issuer = issuer;
        JwksUri = discovery.JwksUri;
        Algorithms = discovery.Algorithms;
        FetchedAt = fetchedAt;
        KeyCount = keys.Count;
        keySet = new SigningKeySet(keys);
    }

    /// <summary>A pinned issuer's keys (<c>sts.issuers</c>): no discovery document, the configured algorithms.</summary>
    public IssuerMetadata(string issuer, string keySource, JwsAlgorithm algorithms, IReadOnlyList<SigningKey> keys, DateTimeOffset loadedAt)
    {
        Issuer = issuer;
        JwksUri = keySource;
        Algorithms = algorithms;
        FetchedAt = loadedAt;
        KeyCount = keys.Count;
        keySet = new SigningKeySet(keys);
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
    public SigningKey? FindKey(string? kid) => keySet.Find(kid);
}
