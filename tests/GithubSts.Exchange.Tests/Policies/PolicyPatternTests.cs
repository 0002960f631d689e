using GithubSts.Exchange.Policies;

namespace GithubSts.Exchange.Tests.Policies;

public class PolicyPatternTests
{
    [Theory]
    [InlineData("repo:org/repo", "repo:org/repo", true)]
    [InlineData("repo:org/repo", "repo:org/repo-evil", false)]
    [InlineData("repo:org/repo", "xrepo:org/repo", false)]
    [InlineData("repo:org/repo", "repo:org/repo\n", false)]
    [InlineData("repo:org/repo$", "repo:org/repo\n", false)]
    [InlineData("^repo:org/repo$", "repo:org/repo", true)]
    [InlineData("a|b", "a", true)]
    [InlineData("a|b", "b", true)]
    [InlineData("a|b", "a-evil", false)]
    [InlineData("a|b", "evil-b", false)]
    [InlineData("[0-9]+", "123", true)]
    [InlineData("[0-9]+", "١٢٣", false)]
    public void Patterns_match_the_whole_string(string pattern, string input, bool expected)
    {
        Assert.Equal(expected, PolicyPattern.Compile(pattern, "subject_pattern").IsMatch(input));
    }

    [Theory]
    [InlineData("x)|(.*", "insufficient opening parentheses")]
    [InlineData("(x", "insufficient closing parentheses")]
    [InlineData("abc\\", "unescaped ending backslash")]
    [InlineData("[a-", "unterminated bracket")]
    [InlineData("a**", "nested quantifier")]
    [InlineData("\\q", "unrecognized escape")]
    public void Syntax_errors_are_reported_precisely_without_echoing_the_pattern(string pattern, string expected)
    {
        var error = PolicyTestKit.PatternError(pattern);

        Assert.Equal(PolicyErrorCode.InvalidPattern, error.Code);
        Assert.Equal("subject_pattern", error.Field);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(pattern, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("(a)\\1", "backreference")]
    [InlineData("(?<n>a)\\k<n>", "backreference")]
    [InlineData("(?=a)a", "lookahead")]
    [InlineData("(?!a)b", "lookahead")]
    [InlineData("(?<=a)b", "lookbehind")]
    [InlineData("(?<!a)b", "lookbehind")]
    [InlineData("(?>a)", "atomic")]
    [InlineData("(?(a)b|c)", "conditional")]
    [InlineData("a{1,100000}", "repetition")]
    [InlineData("(a{1,1000}){1,1000}", "repetition")]
    public void Constructs_outside_the_linear_engine_are_rejected(string pattern, string expected)
    {
        var error = PolicyTestKit.PatternError(pattern);

        Assert.Equal(PolicyErrorCode.InvalidPattern, error.Code);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("(?i)repo:org/x")]
    [InlineData("(?i:repo):org/x")]
    [InlineData("repo:(?m)org")]
    [InlineData("(?x) a b")]
    [InlineData("(?s).")]
    [InlineData("(?n)(a)")]
    [InlineData("(?-i)a")]
    [InlineData("(a|(?i:b))+")]
    [InlineData(@"\\(?i)")] // an escaped backslash does not escape the parenthesis
    [InlineData("[(?i)]")] // refused by the plain scan even though .NET reads it as a class
    public void Inline_options_are_rejected(string pattern)
    {
        var error = PolicyTestKit.PatternError(pattern);

        Assert.Equal(PolicyErrorCode.InvalidPattern, error.Code);
        Assert.Contains("inline option", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(@"\(?i\)")]
    [InlineData(@"\\(?:i)")]
    [InlineData(@"(?:a)")]
    [InlineData(@"(?<name>a)")]
    [InlineData(@"(?'name'a)")]
    [InlineData(@"(?#comment)a")]
    public void Look_alikes_of_inline_options_are_allowed(string pattern)
    {
        PolicyPattern.Compile(pattern, "subject_pattern");
    }

    [Theory]
    [InlineData(@"repo:org/\d+", "[0-9]")]
    [InlineData(@"[\d]", "[0-9]")]
    [InlineData(@"\D", "[^0-9]")]
    [InlineData(@"\w+", "[A-Za-z0-9_]")]
    [InlineData(@"\W", "[^A-Za-z0-9_]")]
    [InlineData(@"a\sb", "explicitly")]
    [InlineData(@"\S+", "ASCII")]
    [InlineData(@"\bword\b", "boundaries")]
    [InlineData(@"\B", "boundaries")]
    [InlineData(@"\p{L}", "Unicode categories")]
    [InlineData(@"\P{Lu}", "Unicode categories")]
    public void Unicode_aware_shorthand_classes_are_rejected_with_an_ascii_suggestion(string pattern, string suggestion)
    {
        var error = PolicyTestKit.PatternError(pattern);

        Assert.Equal(PolicyErrorCode.InvalidPattern, error.Code);
        Assert.Contains("non-ASCII", error.Message, StringComparison.Ordinal);
        Assert.Contains(suggestion, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(@"a\\d")] // an escaped backslash followed by a plain d
    [InlineData(@"[\\]d")]
    [InlineData(@"\.\-\/\:")]
    [InlineData(@"\x41\u0042\t")]
    public void Escapes_other_than_the_unicode_shorthands_are_allowed(string pattern)
    {
        PolicyPattern.Compile(pattern, "subject_pattern");
    }

    [Fact]
    public void Length_is_capped_at_256()
    {
        PolicyPattern.Compile(new string('a', 256), "subject_pattern");

        var error = PolicyTestKit.PatternError(new string('a', 257));

        Assert.Equal(PolicyErrorCode.InvalidPattern, error.Code);
        Assert.Contains("257", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Empty_pattern_is_rejected()
    {
        Assert.Equal(PolicyErrorCode.InvalidPattern, PolicyTestKit.PatternError(string.Empty).Code);
    }

    [Fact]
    public void Field_name_is_carried_into_the_error()
    {
        Assert.Equal("claim_pattern.environment", PolicyTestKit.PatternError("(", "claim_pattern.environment").Field);
    }

    [Fact]
    public void Catastrophic_backtracking_shape_is_denied_by_the_linear_engine()
    {
        var regex = PolicyPattern.Compile("(a+)+$", "subject_pattern");

        Assert.DoesNotMatch(regex, new string('a', 40) + "!");
        Assert.DoesNotMatch(PolicyPattern.Compile("(x+x+)+y", "subject_pattern"), new string('x', 40) + "!");
    }

    [Fact]
    public void Compiled_regexes_use_the_non_backtracking_engine_with_invariant_culture()
    {
        var regex = PolicyPattern.Compile("a", "subject_pattern");

        Assert.True(regex.Options.HasFlag(System.Text.RegularExpressions.RegexOptions.NonBacktracking));
        Assert.True(regex.Options.HasFlag(System.Text.RegularExpressions.RegexOptions.CultureInvariant));
        Assert.False(regex.Options.HasFlag(System.Text.RegularExpressions.RegexOptions.IgnoreCase));
    }
}
