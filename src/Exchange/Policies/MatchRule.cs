namespace GithubSts.Exchange.Policies;

/// <summary>An exact (ordinal) value or an anchored pattern; immutable and safe to share between threads.</summary>
internal sealed class MatchRule
{
    private readonly string? _exact;
    private readonly CompiledPattern? _pattern;

    private MatchRule(string? exact, CompiledPattern? pattern)
    {
        _exact = exact;
        _pattern = pattern;
    }

    public static MatchRule ForExact(string value) => new(value, null);

    public static MatchRule ForPattern(CompiledPattern pattern) => new(null, pattern);

    /// <summary>The pattern, or null for an exact value.</summary>
    public CompiledPattern? Pattern => _pattern;

    public bool IsMatch(string value) =>
        _pattern is null ? string.Equals(_exact, value, StringComparison.Ordinal) : _pattern.IsMatch(value);
}
