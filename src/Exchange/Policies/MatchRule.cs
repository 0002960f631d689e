namespace GithubSts.Exchange.Policies;

/// <summary>
/// An exact (ordinal) value, an anchored pattern or a set of exact values; immutable and safe to share between threads.
/// </summary>
internal sealed class MatchRule
{
    private readonly string? _exact;
    private readonly CompiledPattern? _pattern;
    private readonly AudienceSet? _set;

    private MatchRule(string? exact, CompiledPattern? pattern, AudienceSet? set = null)
    {
        _exact = exact;
        _pattern = pattern;
        _set = set;
    }

    public static MatchRule ForExact(string value) => new(value, null);

    public static MatchRule ForPattern(CompiledPattern pattern) => new(null, pattern);

    /// <summary>Any of a fixed set of exact values: a source's narrowing of the default audiences.</summary>
    public static MatchRule ForAnyOf(AudienceSet values) => new(null, null, values);

    /// <summary>The pattern, or null for an exact value or a set.</summary>
    public CompiledPattern? Pattern => _pattern;

    public bool IsMatch(string value) =>
        _set is not null ? _set.Contains(value)
        : _pattern is null ? string.Equals(_exact, value, StringComparison.Ordinal)
        : _pattern.IsMatch(value);
}
