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
        Assert.Equal(expected, PolicyPattern.Compile(pattern, "subject_pattern").Regex.IsMatch(input));
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
    [InlineData(@"(a)\1", "backreference", 3)]
    [InlineData(@"(a)\k<1>", "backreference", 3)]
    [InlineData(@"(a)\k'1'", "backreference", 3)]
    [InlineData(@"(a)\<1>", "backreference", 3)]
    [InlineData(@"(a)\'1'", "backreference", 3)]
    [InlineData(@"(a)b\1*", "backreference", 4)]
    [InlineData(@"\0", "octal", 0)]
    [InlineData("(?<n>a)b", "named group", 0)]
    [InlineData("(?'n'a)b", "named group", 0)]
    [InlineData("(?=a)a", "lookahead", 0)]
    [InlineData("(?!a)b", "lookahead", 0)]
    [InlineData("b(?<=a)", "lookbehind", 1)]
    [InlineData("(?<!a)b", "lookbehind", 0)]
    [InlineData("(?>a)", "atomic", 0)]
    [InlineData("(?(a)b|c)", "conditional", 0)]
    [InlineData("(?#note)a", "comment", 0)]
    [InlineData("(a+)(?#hide)+", "comment", 4)] // a comment between an atom and its quantifier
    [InlineData("a(?#x)*", "comment", 1)]
    [InlineData(@"\Gabc", "anchor", 0)]
    [InlineData(@"abc\z", "anchor", 3)]
    [InlineData(@"\Aabc", "anchor", 0)]
    [InlineData(@"ab\Z", "anchor", 2)]
    [InlineData("a{1,100000}", "repetition", 1)]
    [InlineData("a{101}", "repetition", 1)]
    [InlineData("(a{1,1000}){1,1000}", "repetition", 2)]
    [InlineData("[a-z-[aeiou]]", "subtraction", 4)]
    [InlineData("[[:ascii:]]", "'['", 1)]
    [InlineData("[]a]", "empty character class", 1)]
    [InlineData("a]", "']'", 1)]
    [InlineData("a{,3}", "'{'", 1)]
    [InlineData("a}", "'}'", 1)]
    [InlineData(@"\e", "escape", 0)]
    [InlineData(@"\cA", "escape", 0)]
    [InlineData("^*", "anchor", 1)]
    public void Constructs_outside_the_language_are_rejected_with_their_offset(string pattern, string construct, int offset)
    {
        var error = PolicyTestKit.PatternError(pattern);

        Assert.Equal(PolicyErrorCode.InvalidPattern, error.Code);
        Assert.Contains(construct, error.Message, StringComparison.Ordinal);
        Assert.Contains($"at offset {offset}", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("(?i)repo:org/x", 0)]
    [InlineData("(?i:repo):org/x", 0)]
    [InlineData("repo:(?m)org", 5)]
    [InlineData("(?x) a b", 0)]
    [InlineData("(?s).", 0)]
    [InlineData("(?n)(a)", 0)]
    [InlineData("(?-i)a", 0)]
    [InlineData("(a|(?i:b))+", 3)]
    [InlineData(@"\\(?i)", 2)] // an escaped backslash does not escape the parenthesis
    public void Inline_options_are_rejected(string pattern, int offset)
    {
        var error = PolicyTestKit.PatternError(pattern);

        Assert.Equal(PolicyErrorCode.InvalidPattern, error.Code);
        Assert.Contains("inline option", error.Message, StringComparison.Ordinal);
        Assert.Contains($"at offset {offset}", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(@"\(?i\)")]
    [InlineData(@"\\(?:i)")]
    [InlineData(@"(?:a)")]
    [InlineData(@"[(?i)]")] // inside a class these are plain characters
    [InlineData(@"a\{1\}")]
    [InlineData(@"#a b")]
    public void Look_alikes_of_refused_constructs_are_allowed(string pattern)
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
    [InlineData(@"[\x41-\x5a\-\]\[]")]
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

        Assert.False(regex.IsMatch(new string('a', 40) + "!"));
        Assert.False(PolicyPattern.Compile("(x+x+)+y", "subject_pattern").IsMatch(new string('x', 40) + "!"));
    }

    [Theory]
    [InlineData("repo:octo-org/octo-repo:ref:refs/heads/.*")]
    [InlineData("repo:octo-org/[a-z0-9-]+:ref:refs/heads/main")]
    [InlineData("system:serviceaccount:team-a:(deploy|release)-[a-z0-9]{1,8}")]
    [InlineData("repo:octo-org/octo-repo:ref:refs/tags/v[0-9]{1,3}\\.[0-9]{1,3}")]
    [InlineData("^repo:org/repo$")]
    [InlineData("[0-9a-f]{40}")]
    [InlineData("repo:octo-org/octo-repo:ref:refs/heads/main|repo:octo-org/octo-repo:ref:refs/tags/v[0-9]+")]
    [InlineData("(ab)*c")]
    public void Common_shapes_use_the_interpreter_with_a_match_timeout(string pattern)
    {
        var compiled = PolicyPattern.Compile(pattern, "subject_pattern");
        var regex = compiled.Regex;

        Assert.Equal(PatternEngine.Interpreter, compiled.Engine);
        Assert.False(compiled.IsHeavy);
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
    [InlineData("(?:a*)*")]
    [InlineData("(a|a)*")]
    [InlineData("(a|aa)*b")]
    [InlineData("(a*)*")]
    [InlineData("(?:a+)+")]
    [InlineData("(a?)*b")]
    [InlineData("(a|b|ab|ba|aa|bb)*c")]
    [InlineData("(.*)*x")]
    public void Shapes_that_could_backtrack_badly_use_the_linear_engine(string pattern)
    {
        var compiled = PolicyPattern.Compile(pattern, "subject_pattern");
        var regex = compiled.Regex;

        Assert.Equal(PatternEngine.NonBacktracking, compiled.Engine);
        Assert.True(compiled.IsHeavy);
        Assert.True(regex.Options.HasFlag(System.Text.RegularExpressions.RegexOptions.NonBacktracking));
        Assert.True(regex.Options.HasFlag(System.Text.RegularExpressions.RegexOptions.CultureInvariant));
    }

    [Theory]
    [InlineData(".*!")]
    [InlineData("[a-z]*a{0,2}!")]
    [InlineData("a?a?a?a?a?a*!")]
    [InlineData("a{0,47}[a-z]*!")]
    [InlineData("(a|b|c|d|e|f)(a|b|c|d|e|f)[a-z]*!")]
    [InlineData(".*aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!")]
    [InlineData("repo:octo-org/[a-z0-9-]+:ref:refs/heads/(main|release-[0-9]{1,3})")]
    public void The_worst_allowed_interpreter_shapes_fail_in_linear_time_on_a_token_sized_claim(string pattern)
    {
        var regex = PolicyPattern.Compile(pattern, "claim_pattern.x");
        Assert.Equal(PatternEngine.Interpreter, regex.Engine);

        // 16 KiB is the largest token accepted at all: the allowed shapes fail in linear time, far below the match
        // timeout (which is only a last resort and would deny too).
        var started = System.Diagnostics.Stopwatch.StartNew();
        Assert.False(regex.IsMatch(new string('a', 16 * 1024)));
        Assert.True(started.Elapsed < PolicyPattern.MatchTimeout / 2, $"took {started.Elapsed}");
    }

    [Theory]
    [InlineData(".*x{30}y{30}", 61)] // every x given back re-runs 61 positions on xxx…x: about 1 ms per 8 KiB interpreted
    [InlineData(".*de{60}", 61)]
    [InlineData("(a|b)(c|d)(e|f)[a-z]*[0-9]{0,1}x{6}", 144)]
    public void Linear_shapes_over_the_interpreter_work_budget_go_to_the_linear_time_engine(string pattern, int work)
    {
        Assert.True(work > PolicyPattern.MaxInterpreterWork);
        var compiled = PolicyPattern.Compile(pattern, "claim_pattern.x");

        Assert.Equal(PatternEngine.NonBacktracking, compiled.Engine);
        Assert.False(compiled.IsMatch(new string(pattern[2], 8 * 1024)));
    }

    [Theory]
    [InlineData("repo:octo-org/[a-z0-9-]+:ref:refs/heads/main")] // [a-z0-9-]+ can stop only at ':'
    [InlineData("system:serviceaccount:[^:]+:deployer")]
    [InlineData("repo:octo-org/octo-repo:ref:refs/heads/.*")]
    public void A_repetition_followed_by_a_character_it_cannot_match_costs_one_comparison_per_character(string pattern) =>
        Assert.Equal(PatternEngine.Interpreter, PolicyPattern.Compile(pattern, "subject_pattern").Engine);

    [Theory]
    [InlineData("(.*a.{8}){3}")] // 2.9 s and 124 MB on one 8 KiB claim before this rule
    [InlineData("(a|b)*a(a|b){12}")]
    [InlineData("(.?){50}")]
    [InlineData("a?a?a?a?a?a?a?a*!")]
    [InlineData("a{1,50}b{1,50}c{1,50}")]
    [InlineData("(a|b|c)?(a|b|c)?(a|b|c)?(a|b|c)?")]
    [InlineData("(a|a)(a|a)(a|a)(a|a)(a|a)(a|a)(a|a)")]
    [InlineData("a{0,63}[a-z]*!")] // 64 ways × 1 position per character given back: over the interpreter's work budget
    [InlineData("[a-z]*a{0,15}!")]
    [InlineData(".*d.{60}")]
    public void Shapes_too_ambiguous_for_either_engine_are_refused(string pattern)
    {
        var error = PolicyTestKit.PatternError(pattern);

        Assert.Equal(PolicyErrorCode.PatternTooComplex, error.Code);
        Assert.Contains("ambiguous", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("[a-z]{100}[0-9]{100}[a-z]{100}[0-9]{100}[a-z]{100}[0-9]{100}[a-z]{100}[0-9]{100}[a-z]{100}[0-9]{100}[a-z]{100}")]
    [InlineData("([a-z]{100}){10}")]
    public void Patterns_that_unroll_beyond_the_size_limit_are_refused(string pattern)
    {
        var error = PolicyTestKit.PatternError(pattern);

        Assert.Equal(PolicyErrorCode.PatternTooComplex, error.Code);
        Assert.Contains("character positions", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Compiled_patterns_are_shared_by_text()
    {
        var first = PolicyPattern.Compile("repo:shared-org/[a-z]+:ref:refs/heads/main", "subject_pattern");
        var second = PolicyPattern.Compile("repo:shared-org/[a-z]+:ref:refs/heads/main", "subject_pattern");
        var heavyFirst = PolicyPattern.Compile("(shared|sh)*x", "subject_pattern");
        var heavySecond = PolicyPattern.Compile("(shared|sh)*x", "claim_pattern.x");

        Assert.Same(first.Regex, second.Regex);
        Assert.Same(heavyFirst.Regex, heavySecond.Regex);
    }

    [Fact]
    public void Both_engines_agree_on_every_generated_pattern_and_input()
    {
        // Differential check: whichever engine PolicyPattern picks, the verdict is the linear engine's verdict, every
        // accepted pattern is one the linear engine accepts too, and no match on a long input is slow.
        var random = new Random(20261202);
        var checkedPatterns = 0;
        var interpreted = 0;
        var rejectedConstructs = 0;
        var longInput = string.Concat(Enumerable.Repeat("ab/:-.xa", 1024)); // 8 KiB
        for (var i = 0; i < 3000; i++)
        {
            var forbidden = false;
            var pattern = RandomPattern(random, depth: 0, ref forbidden);
            CompiledPattern compiled;
            try
            {
                compiled = PolicyPattern.Compile(pattern, "subject_pattern");
            }
            catch (PolicyPatternException)
            {
                rejectedConstructs += forbidden ? 1 : 0;
                continue;
            }

            Assert.False(forbidden, $"pattern {pattern} uses a refused construct but was accepted");
            checkedPatterns++;
            interpreted += compiled.IsHeavy ? 0 : 1;
            var reference = new System.Text.RegularExpressions.Regex(@"\A(?:" + pattern + @")\z", PolicyPattern.Options);
            for (var j = 0; j < 25; j++)
            {
                var input = RandomInput(random);
                Assert.True(reference.IsMatch(input) == compiled.IsMatch(input), $"pattern {pattern} input {input}");
            }

            var started = System.Diagnostics.Stopwatch.StartNew();
            Assert.Equal(reference.IsMatch(longInput), compiled.IsMatch(longInput));
            Assert.True(started.Elapsed < TimeSpan.FromMilliseconds(250), $"pattern {pattern} took {started.Elapsed} on 8 KiB");
        }

        Assert.True(checkedPatterns > 1000, $"only {checkedPatterns} patterns compiled");
        Assert.True(interpreted > checkedPatterns / 4, $"only {interpreted} of {checkedPatterns} patterns on the interpreter");
        Assert.True(rejectedConstructs > 100, $"only {rejectedConstructs} patterns with refused constructs generated");
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
    private static readonly string[] Quantifiers = ["", "", "", "*", "+", "?", "{2}", "{1,3}", "{0,}", "*?", "+?", "{0,100}"];

    // Constructs that must always be refused, whatever surrounds them.
    private static readonly string[] Forbidden =
        [@"\1", @"\k<1>", @"\<1>", @"\'1'", "(?#c)", "(?i)", "(?=a)", "(?<!a)", "(?>a)", @"\d", @"\w", @"\b", @"\G", "(?<n>a)", "[a-[b]]"];

    private static string RandomPattern(Random random, int depth, ref bool forbidden)
    {
        var text = new System.Text.StringBuilder();
        var items = random.Next(1, 5);
        for (var i = 0; i < items; i++)
        {
            if (random.Next(40) == 0)
            {
                forbidden = true;
                text.Append(Forbidden[random.Next(Forbidden.Length)]);
            }
            else if (depth < 2 && random.Next(5) == 0)
            {
                text.Append(random.Next(2) == 0 ? "(" : "(?:").Append(RandomPattern(random, depth + 1, ref forbidden));
                if (random.Next(2) == 0)
                {
                    text.Append('|').Append(RandomPattern(random, depth + 1, ref forbidden));
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
