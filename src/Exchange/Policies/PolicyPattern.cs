using System.Text.RegularExpressions;

namespace GithubSts.Exchange.Policies;

/// <summary>
/// Compiles the regular expressions of trust policies: bounded length, no Unicode-aware shorthands or inline options,
/// a linear-time engine, and a full-string anchor that also covers alternations.
/// </summary>
public static class PolicyPattern
{
    public const int MaxLength = 256;

    // NonBacktracking: matching is linear in the input (no ReDoS) and backreferences, lookarounds,
    // atomic groups and huge counted repetitions are refused at construction.
    internal const RegexOptions Options = RegexOptions.NonBacktracking | RegexOptions.CultureInvariant;

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
        Construct(pattern, field);
        UnicodeShorthandRule.Check(pattern, field);
        InlineOptionsRule.Check(pattern, field);

        // \z, unlike $, does not match before a trailing newline; the group anchors every alternative.
        return Construct(@"\A(?:" + pattern + @")\z", field);
    }

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

    private static Regex Construct(string pattern, string field)
    {
        try
        {
            return new Regex(pattern, Options);
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
