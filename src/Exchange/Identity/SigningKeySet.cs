using System.Collections.Frozen;

namespace GithubSts.Exchange.Identity;

/// <summary>
/// One issuer's usable keys, selectable by <c>kid</c>. A kid selects exactly one key (a kid published twice is
/// ambiguous, so neither copy is selectable); without a kid a key is chosen only when the set holds exactly one, so the
/// choice is deterministic (Depthmark picks at random; sts-cat takes the first).
/// </summary>
internal sealed class SigningKeySet
{
    private readonly FrozenDictionary<string, SigningKey> _byId;
    private readonly SigningKey? _onlyKey;

    public SigningKeySet(IReadOnlyList<SigningKey> keys)
    {
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

        _byId = byId.ToFrozenDictionary(StringComparer.Ordinal);
        _onlyKey = keys.Count == 1 ? keys[0] : null;
        Count = keys.Count;
    }

    public int Count { get; }

    public SigningKey? Find(string? kid) => kid is null ? _onlyKey : _byId.GetValueOrDefault(kid);
}
