using System.Collections.Frozen;

namespace GithubSts.Exchange.Policies;

/// <summary>
/// A fixed set of exact audiences, compared ordinally (no case or trailing-slash folding: <c>STS.example.com</c> and
/// <c>sts.example.com/</c> are other audiences). Immutable and thread-safe.
/// </summary>
public sealed class AudienceSet
{
    private readonly FrozenSet<string> _values;

    public AudienceSet(IEnumerable<string> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        Values = [.. values.Distinct(StringComparer.Ordinal)];
        _values = Values.ToFrozenSet(StringComparer.Ordinal);
    }

    /// <summary>The audiences in the order given, without duplicates.</summary>
    public IReadOnlyList<string> Values { get; }

    public bool Contains(string audience) => _values.Contains(audience);

    /// <summary>Whether at least one of <paramref name="audiences"/> is in the set (RFC 7519 §4.1.3).</summary>
    public bool ContainsAny(IReadOnlyList<string> audiences)
    {
        // A for loop: IReadOnlyList's enumerator would allocate on the hot path.
        for (var i = 0; i < audiences.Count; i++)
        {
            if (_values.Contains(audiences[i]))
            {
                return true;
            }
        }

        return false;
    }
}
