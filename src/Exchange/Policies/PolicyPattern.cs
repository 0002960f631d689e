using System.Text.RegularExpressions;

namespace GithubSts.Exchange.Policies;

/// <summary>
/// Compiles the regular expressions of trust policies: bounded length, no Unicode-aware shorthands or inline options,
/// a full-string anchor that also covers alternations, and matching that cannot blow up on hostile input.
/// </summary>
/// <remarks>
/// Two engines, same .NET parser and therefore the same language. The linear-time NonBacktracking engine is safe for
/// any pattern but costs about 20 ms and 1 MB per pattern to build — 10,000 TrustPolicies would need gigabytes. So a
/// pattern whose shape keeps backtracking linear in the input (quantifiers only on single characters or classes, at
/// most one of them unbounded, the bounded ones small, no nested repetition) runs on the interpreter (microseconds,
/// about 2 KB). Every other pattern gets NonBacktracking. The interpreter's match timeout is only a last resort: it is
/// wall-clock time, so it must be far above what a preempted thread on a busy machine can lose (a 20 ms timeout
/// denied valid tokens under benchmark load).
/// </remarks>
public static class PolicyPattern
{
    public const int MaxLength = 256;

    /// <summary>Patterns with more unbounded repetitions than this use the linear-time engine.</summary>
    internal const int MaxUnboundedRepeats = 1;

    /// <summary>The product of (bound + 1) over bounded repetitions above which a pattern uses the linear-time engine.</summary>
    internal const long MaxBoundedWidth = 256;

    // NonBacktracking: matching is linear in the input (no ReDoS) and backreferences, lookarounds,
    // atomic groups and huge counted repetitions are refused at construction.
    internal const RegexOptions Options = RegexOptions.NonBacktracking | RegexOptions.CultureInvariant;

    internal const RegexOptions BacktrackingOptions = RegexOptions.CultureInvariant;

    /// <summary>A match that takes longer is a denial (see <see cref="IsMatch"/>); the shapes allowed make this unreachable.</summary>
    internal static readonly TimeSpan MatchTimeout = TimeSpan.FromSeconds(1);

    // Counted repetitions above this bound count as unbounded (and large ones go to the engine that refuses them).
    private const int MaxSmallCount = 16;

    /// <summary>Validates <paramref name="pattern"/> and returns it anchored as <c>\A(?:pattern)\z</c>.</summary>
    /// <param name="field">The YAML field name reported in errors, e.g. <c>claim_pattern.environment</c>.</param>
    /// <exception cref="PolicyPatternException">The pattern is not allowed.</exception>
    public static Regex Compile(string pattern, string field)
    {
        ArgumentNullException.ThrowIfNull(field);
        if (string.IsNullOrEmpty(pattern))
        {
            throw Invalid(field, "must not be empty");
        }

        if (pattern.Length > MaxLength)
        {
            throw Invalid(field, $"is {pattern.Length} characters long; the limit is {MaxLength}");
        }

        // The pattern alone must be a complete expression, so it cannot close the anchoring group (`x)|(.*`).
        Construct(pattern, field, BacktrackingOptions);
        UnicodeShorthandRule.Check(pattern, field);
        InlineOptionsRule.Check(pattern, field);

        // \z, unlike $, does not match before a trailing newline; the group anchors every alternative.
        var anchored = @"\A(?:" + pattern + @")\z";
        if (IsSafeForBacktracking(pattern))
        {
            return Construct(anchored, field, BacktrackingOptions);
        }

        Construct(pattern, field, Options);
        return Construct(anchored, field, Options);
    }

    /// <summary>Matches; a match that times out (possible only on the interpreter) is a mismatch, never an error.</summary>
    public static bool IsMatch(Regex regex, string input)
    {
        ArgumentNullException.ThrowIfNull(regex);
        try
        {
            return regex.IsMatch(input);
        }
        catch (RegexMatchTimeoutException)
        {
            return false;
        }
    }

    /// <summary>
    /// True when backtracking on this pattern stays linear in the input: every quantifier applies to a single
    /// character, escape or class (no nested or grouped repetition, so no exponential paths), at most
    /// <see cref="MaxUnboundedRepeats"/> of them unbounded, the bounded ones within <see cref="MaxBoundedWidth"/>, and
    /// nothing only the linear engine refuses.
    /// </summary>
    internal static bool IsSafeForBacktracking(string pattern)
    {
        PatternNode root;
        try
        {
            root = PatternParser.Parse(pattern);
        }
        catch (FormatException)
        {
            return false;
        }

        var unbounded = 0;
        var width = 1L;
        return Visit(root) && unbounded <= MaxUnboundedRepeats && width <= MaxBoundedWidth;

        bool Visit(PatternNode node)
        {
            switch (node)
            {
                case PatternSequence sequence:
                    return sequence.Items.All(Visit);
                case PatternAlternation alternation:
                    return alternation.Branches.All(Visit);
                case PatternRepeat { Body: PatternAtom { Kind: not PatternAtomKind.Anchor } atom } repeat:
                    if (repeat.MaxCount is not { } max || max > MaxSmallCount)
                    {
                        unbounded++;
                    }
                    else
                    {
                        width = Math.Min(width * (max + 1), long.MaxValue / 64);
                    }

                    return (repeat.MaxCount ?? 0) <= 1000 && IsPlainAtom(atom);
                case PatternAtom atom:
                    return IsPlainAtom(atom);
                default:
                    // Grouped or nested repetition, special groups, inline options.
                    return false;
            }
        }
    }

    /// <summary>Not a backreference (<c>\1</c>, <c>\k&lt;n&gt;</c>) or an anchor the linear engine treats differently (<c>\G</c>, <c>\b</c>).</summary>
    private static bool IsPlainAtom(PatternAtom atom) => atom.Kind switch
    {
        PatternAtomKind.Escape => atom.Text.Length < 2 || !(char.IsAsciiDigit(atom.Text[1]) && atom.Text[1] != '0') && atom.Text[1] != 'k',
        PatternAtomKind.Anchor => atom.Text is "^" or "$" or @"\A" or @"\z" or @"\Z",
        _ => true,
    };

    /// <summary>
    /// <see cref="Compile"/> plus the rule that an issuer pattern cannot span the host: no <c>.</c> or class that
    /// can match <c>/</c>, and no <c>/</c> under a quantifier or inside an alternation.
    /// </summary>
    /// <exception cref="PolicyPatternException">The pattern is not allowed.</exception>
    public static Regex CompileIssuerPattern(string pattern, string field)
    {
        var regex = Compile(pattern, field);
        HostSpanRule.Check(Analyse(pattern, field), field);
        return regex;
    }

    internal static PolicyPatternException Invalid(string field, string message) =>
        new(new PolicyError(PolicyErrorCode.InvalidPattern, field, message));

    private static PatternNode Analyse(string pattern, string field)
    {
        try
        {
            return PatternParser.Parse(pattern);
        }
        catch (FormatException ex)
        {
            // Not expected for a pattern .NET accepted; refusing is the safe answer.
            throw Invalid(field, $"could not be analysed ({ex.Message})");
        }
    }

    private static Regex Construct(string pattern, string field, RegexOptions options)
    {
        try
        {
            return options.HasFlag(RegexOptions.NonBacktracking) ? new Regex(pattern, options) : new Regex(pattern, options, MatchTimeout);
        }
        catch (RegexParseException ex)
        {
            // Built from the error kind rather than ex.Message, which repeats the whole pattern.
            throw Invalid(field, $"is not a valid regular expression: {Humanize(ex.Error)} at offset {ex.Offset}");
        }
        catch (NotSupportedException ex)
        {
            throw Invalid(field, DescribeUnsupported(ex.Message));
        }
        catch (ArgumentException)
        {
            throw Invalid(field, "is not a valid regular expression");
        }
    }

    private static string DescribeUnsupported(string engineMessage)
    {
        const string Marker = "containing: ";
        var at = engineMessage.IndexOf(Marker, StringComparison.Ordinal);
        if (at >= 0)
        {
            var construct = engineMessage[(at + Marker.Length)..].TrimEnd('.');
            return $"uses a construct that is not allowed ({construct}); backreferences, lookarounds, atomic groups and conditionals are not supported";
        }

        return "is too complex for the linear-time matcher (reduce large repetition counts such as {1,100000})";
    }

    /// <summary><c>InsufficientOpeningParentheses</c> → <c>insufficient opening parentheses</c>.</summary>
    private static string Humanize(RegexParseError error)
    {
        var name = error.ToString();
        var words = new System.Text.StringBuilder(name.Length + 8);
        foreach (var ch in name)
        {
            if (char.IsAsciiLetterUpper(ch) && words.Length > 0)
            {
                words.Append(' ');
            }

            words.Append(char.ToLowerInvariant(ch));
        }

        return words.ToString();
    }
}
