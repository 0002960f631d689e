using System.Text.RegularExpressions;

namespace GithubSts.Exchange.Policies;

/// <summary>An exact (ordinal) value or an anchored pattern; immutable and safe to share between threads.</summary>
internal sealed class MatchRule
{
    private readonly string? _exact;
    private readonly Regex? _pattern;

    private MatchRule(string? exact, Regex? pattern)
    {
        _exact = exact;
        _pattern = pattern;
    }

    public static MatchRule ForExact(string value) => new(value, null);

    public static MatchRule ForPattern(Regex pattern) => new(null, pattern);

    public bool IsMatch(string value) =>
        _pattern is null ? string.Equals(_exact, value, StringComparison.Ordinal) : PolicyPattern.IsMatch(_pattern, value);
}
