using GithubSts.Exchange.Policies;

namespace GithubSts.Exchange.Tests.Policies;

/// <summary>
/// Issue 9 item 1: what a policy's patterns may keep in memory (2 MB, estimated from the parse before anything is
/// built) and the analysis behind the estimate. The estimate is checked against the real engines by
/// <c>make bench BENCH_ARGS=patterns</c> (docs/performance.md).
/// </summary>
public sealed class PatternMemoryBudgetTests
{
    private static string Claims(IEnumerable<string> patterns) =>
        "claim_pattern:" + string.Concat(patterns.Select((p, i) => $"\n  c{i}: '{p}'"));

    [Theory]
    [InlineData("abc", 3 + 1)] // a, b, c, everything else
    [InlineData("abcabc", 3 + 1)] // repeats add nothing
    [InlineData("[a-c]x", 2 + 1)] // a-c are told apart by no set
    [InlineData("[a-c]b", 3)] // {a, c}, {b}, everything else: intervals treated alike are one class
    [InlineData(".*a", 3)] // a, \n, everything else
    [InlineData("[^/]+/[0-9]", 3)] // '/', digits, everything else
    public void Character_classes_are_the_sets_the_engine_cannot_tell_apart(string pattern, int classes) =>
        Assert.Equal(classes, PatternAnalysis.CharacterClassesOf(PatternParser.Parse(pattern, "f")));

    [Theory]
    [InlineData(".*a.*b.*c.*d.*e.*f.*g.*h.*i.*j.*k.*l.*m.*n.*o.*p.*q.*r.*s.*t.*u.*v.*w.*x.*y.*z")] // 10 MB measured
    [InlineData("(.*a){100}")] // 6 MB measured after adversarial input
    [InlineData("octo-org/.*/\\.github/workflows/.*@refs/heads/main")] // 25 classes: about 2 MB of tables
    public void A_pattern_that_alone_would_keep_more_than_a_policy_may_is_refused_before_it_is_built(string pattern)
    {
        var error = PolicyTestKit.PatternError(pattern);

        Assert.Equal(PolicyErrorCode.PatternTooComplex, error.Code);
        Assert.Contains("would keep about", error.Message, StringComparison.Ordinal);
        Assert.Contains($"the limit is {PolicyPattern.MaxRetainedBytesPerPolicy / 1000} kB per policy", error.Message, StringComparison.Ordinal);
        Assert.Contains("[^/]+", error.Message, StringComparison.Ordinal); // says how to write it cheaply
        // By text, not by the global count: other test classes build patterns in parallel.
        Assert.False(PatternCache.HasLive(pattern), "no automaton was built for a refused pattern");
    }

    [Fact]
    public void Heavy_patterns_that_fit_alone_but_not_together_are_refused_with_the_policy_budget()
    {
        // Each is about 1.0-1.5 MB in the linear-time engine: one fits a policy, two do not.
        string[] patterns = ["repo:octo-org/.*:ref:refs/heads/.*", "https://token\\.actions\\.githubusercontent\\.com/.*/.*"];
        var one = PolicyTestKit.Compile(PolicyTestKit.Yaml(Claims(patterns.Take(1))));
        Assert.Equal(1, one.HeavyPatternCount);

        var error = Assert.Single(PolicyTestKit.CompileErrors(PolicyTestKit.Yaml(Claims(patterns))));
        Assert.Equal(PolicyErrorCode.PatternBudgetExceeded, error.Code);
        Assert.Contains("would keep about", error.Message, StringComparison.Ordinal);
        Assert.Contains($"the limit is {PolicyPattern.MaxRetainedBytesPerPolicy / 1000} kB per policy", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("repo:octo-org/[^:]+:ref:refs/heads/.*")]
    [InlineData("octo-org/[^/]+/\\.github/workflows/[^@]+@refs/heads/main")]
    [InlineData("https://container\\.googleapis\\.com/v1/projects/[a-z0-9-]+/locations/[a-z0-9-]+/clusters/[a-z0-9-]+")]
    [InlineData("https://oidc\\.eks\\.[a-z0-9-]+\\.amazonaws\\.com/id/[A-Z0-9]+")]
    public void Separated_segments_run_on_the_interpreter_and_cost_kilobytes(string pattern)
    {
        var compiled = PolicyPattern.Compile(pattern, "subject_pattern");

        Assert.Equal(PatternEngine.Interpreter, compiled.Engine);
        Assert.True(compiled.RetainedBytes < 64 * 1024, $"{compiled.RetainedBytes} bytes");
    }

    [Theory]
    [InlineData(".*a[^:]*:")] // [^:]* after a trading .*: entered at every position .* gives back
    [InlineData("[^:]*.*:")] // not followed by a character it cannot match
    [InlineData("[a-z:]*:.*x")] // ':' is in the class: it can stop at every ':'
    public void A_repetition_that_can_stop_in_several_places_still_counts(string pattern) =>
        Assert.Equal(PatternEngine.NonBacktracking, PolicyPattern.Compile(pattern, "claim_pattern.x").Engine);

    [Fact]
    public void The_estimate_grows_with_classes_and_repetitions_and_an_interpreted_pattern_is_small()
    {
        static long Estimate(string pattern) => PolicyPattern.Compile(pattern, "f").RetainedBytes;

        Assert.True(Estimate("(.*a){2}") < Estimate("(.*a){8}"));
        Assert.True(Estimate(".*a.*b") < Estimate(".*a.*b.*c.*d.*e.*f"));
        Assert.True(Estimate("(.*a){2}") >= 120 * 1024); // the engine's fixed tables
        Assert.True(Estimate("repo:octo-org/octo-repo:ref:refs/heads/.*") < 32 * 1024);
    }
}
