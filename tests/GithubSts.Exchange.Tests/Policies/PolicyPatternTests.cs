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

    [Theory]
    [InlineData("repo:octo-org/octo-repo:ref:refs/heads/.*")]
    [InlineData("repo:octo-org/[a-z0-9-]+:ref:refs/heads/main")]
    [InlineData("system:serviceaccount:team-a:(deploy|release)-[a-z0-9]{1,8}")]
    [InlineData("repo:octo-org/octo-repo:ref:refs/tags/v[0-9]{1,3}\\.[0-9]{1,3}")]
    [InlineData("^repo:org/repo$")]
    public void Common_shapes_use_the_interpreter_with_a_match_timeout(string pattern)
    {
        var regex = PolicyPattern.Compile(pattern, "subject_pattern");

        Assert.False(regex.Options.HasFlag(System.Text.RegularExpressions.RegexOptions.NonBacktracking));
        Assert.Equal(PolicyPattern.MatchTimeout, regex.MatchTimeout);
        Assert.True(regex.Options.HasFlag(System.Text.RegularExpressions.RegexOptions.CultureInvariant));
        Assert.False(regex.Options.HasFlag(System.Text.RegularExpressions.RegexOptions.IgnoreCase));
    }

    [Theory]
    [InlineData("(a+)+$")]
    [InlineData("(x+x+)+y")]
    [InlineData("(ab|a)*c")]
    [InlineData("a.*b.*c.*d")]
    [InlineData("repo:o/.*:ref:refs/heads/.*")]
    [InlineData("a{1,50}b{1,50}c{1,50}")]
    [InlineData("a{0,9}b{0,9}c{0,9}")]
    [InlineData("(?:a*)*")]
    public void Shapes_that_could_backtrack_badly_use_the_linear_engine(string pattern)
    {
        var regex = PolicyPattern.Compile(pattern, "subject_pattern");

        Assert.True(regex.Options.HasFlag(System.Text.RegularExpressions.RegexOptions.NonBacktracking));
        Assert.True(regex.Options.HasFlag(System.Text.RegularExpressions.RegexOptions.CultureInvariant));
    }

    [Theory]
    [InlineData(".*!")]
    [InlineData("[a-z]*a{0,15}!")]
    [InlineData("a?a?a?a?a?a?a?a*!")]
    public void The_worst_allowed_interpreter_shapes_fail_in_linear_time_on_a_token_sized_claim(string pattern)
    {
        var regex = PolicyPattern.Compile(pattern, "claim_pattern.x");
        Assert.False(regex.Options.HasFlag(System.Text.RegularExpressions.RegexOptions.NonBacktracking));

        // 16 KiB is the largest token accepted at all: the allowed shapes fail in linear time, far below the match
        // timeout (which is only a last resort and would deny too).
        var started = System.Diagnostics.Stopwatch.StartNew();
        Assert.False(PolicyPattern.IsMatch(regex, new string('a', 16 * 1024)));
        Assert.True(started.Elapsed < PolicyPattern.MatchTimeout / 2, $"took {started.Elapsed}");
    }

    [Fact]
    public void Both_engines_agree_on_every_generated_pattern_and_input()
    {
        // Differential check: whichever engine PolicyPattern picks, the verdict is the linear engine's verdict.
        var random = new Random(20261122);
        var checkedPatterns = 0;
        var interpreted = 0;
        for (var i = 0; i < 1500; i++)
        {
            var pattern = RandomPattern(random, depth: 0);
            System.Text.RegularExpressions.Regex compiled;
            try
            {
                compiled = PolicyPattern.Compile(pattern, "subject_pattern");
            }
            catch (PolicyPatternException)
            {
                continue;
            }

            checkedPatterns++;
            interpreted += compiled.Options.HasFlag(System.Text.RegularExpressions.RegexOptions.NonBacktracking) ? 0 : 1;
            var reference = new System.Text.RegularExpressions.Regex(@"\A(?:" + pattern + @")\z", PolicyPattern.Options);
            for (var j = 0; j < 25; j++)
            {
                var input = RandomInput(random);
                Assert.True(reference.IsMatch(input) == PolicyPattern.IsMatch(compiled, input), $"pattern {pattern} input {input}");
            }
        }

        Assert.True(checkedPatterns > 1000, $"only {checkedPatterns} patterns compiled");
        Assert.True(interpreted > checkedPatterns / 3, $"only {interpreted} of {checkedPatterns} patterns on the interpreter");
    }

    [Fact]
    public void Ten_thousand_typical_patterns_compile_in_little_memory()
    {
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 10_000; i++)
        {
            PolicyPattern.Compile($"repo:octo-org/repo-{i}:ref:refs/heads/(main|release/v[0-9]+)", "subject_pattern");
        }

        // The linear engine would allocate about 2 MB per pattern (20 GB here).
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(allocated < 500L * 1024 * 1024, $"allocated {allocated / 1024 / 1024} MB");
    }

    private static readonly string[] Atoms = ["a", "b", "/", ":", "-", ".", "[a-b]", "[^a]", "[/:]", @"\.", @"\-", "x", "^", "$"];
    private static readonly string[] Quantifiers = ["", "", "", "*", "+", "?", "{2}", "{1,3}", "{0,}", "*?", "+?"];

    private static string RandomPattern(Random random, int depth)
    {
        var text = new System.Text.StringBuilder();
        var items = random.Next(1, 5);
        for (var i = 0; i < items; i++)
        {
            if (depth < 2 && random.Next(5) == 0)
            {
                text.Append(random.Next(2) == 0 ? "(" : "(?:").Append(RandomPattern(random, depth + 1));
                if (random.Next(2) == 0)
                {
                    text.Append('|').Append(RandomPattern(random, depth + 1));
                }

                text.Append(')');
            }
            else
            {
                text.Append(Atoms[random.Next(Atoms.Length)]);
            }

            text.Append(Quantifiers[random.Next(Quantifiers.Length)]);
        }

        return text.ToString();
    }

    private static string RandomInput(Random random)
    {
        const string Alphabet = "ab/:-.x\n";
        var chars = new char[random.Next(0, 12)];
        for (var i = 0; i < chars.Length; i++)
        {
            chars[i] = Alphabet[random.Next(Alphabet.Length)];
        }

        return new string(chars);
    }
}
