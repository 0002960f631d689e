using GithubSts.Exchange.Policies;
using GithubSts.Exchange.PolicySources;
using GithubSts.Testing;

namespace GithubSts.Exchange.Tests.Policies;

/// <summary>Issue 9 item 1: the per-policy pattern budgets of the compiler and the per-owner heavy-pattern budget.</summary>
public sealed class PatternBudgetTests
{
    private static string Claims(IEnumerable<string> patterns) =>
        "claim_pattern:" + string.Concat(patterns.Select((p, i) => $"\n  c{i}: '{p}'"));

    [Fact]
    public void More_patterns_than_the_count_budget_are_refused_before_any_is_compiled()
    {
        // The 33rd pattern would be refused as a construct too: the count alone decides, nothing is compiled.
        var patterns = Enumerable.Repeat("v", TrustPolicyCompiler.MaxPatternsPerPolicy).Append("(?i)v");
        var error = Assert.Single(PolicyTestKit.CompileErrors(PolicyTestKit.Yaml(Claims(patterns))));

        Assert.Equal(PolicyErrorCode.PatternBudgetExceeded, error.Code);
        Assert.Contains($"the limit is {TrustPolicyCompiler.MaxPatternsPerPolicy}", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Exactly_the_count_budget_compiles()
    {
        var patterns = Enumerable.Repeat("v", TrustPolicyCompiler.MaxPatternsPerPolicy);
        Assert.Equal(0, PolicyTestKit.Compile(PolicyTestKit.Yaml(Claims(patterns))).HeavyPatternCount);
    }

    [Fact]
    public void Patterns_each_within_the_size_limit_but_together_over_the_cost_budget_are_refused()
    {
        var patterns = Enumerable.Repeat(string.Concat(Enumerable.Repeat("[a-z]{100}[0-9]{100}", 4)) + "[a-z]{100}", 5); // 900 positions each, 4,500 together
        var errors = PolicyTestKit.CompileErrors(PolicyTestKit.Yaml(Claims(patterns)));

        var error = Assert.Single(errors, e => e.Code == PolicyErrorCode.PatternBudgetExceeded);
        Assert.Equal(PolicyErrorCode.PatternBudgetExceeded, error.Code);
        Assert.Contains($"the limit is {TrustPolicyCompiler.MaxPatternCostPerPolicy}", error.Message, StringComparison.Ordinal);
        Assert.True(errors.All(e => e.Code == PolicyErrorCode.PatternBudgetExceeded), string.Join("; ", errors));
        PolicyTestKit.Compile(PolicyTestKit.Yaml(Claims(patterns.Take(4))));
    }

    [Fact]
    public void More_heavy_patterns_than_a_policy_may_hold_are_refused()
    {
        string[] heavy = ["(a|aa)*b", "(ab|a)*c", "(a+)+d", "a.*b.*c.*e", "(a|b|ab)*f"];
        var error = Assert.Single(PolicyTestKit.CompileErrors(PolicyTestKit.Yaml(Claims(heavy))));

        Assert.Equal(PolicyErrorCode.PatternBudgetExceeded, error.Code);
        Assert.Contains($"the limit is {TrustPolicyCompiler.MaxHeavyPatternsPerPolicy} per policy", error.Message, StringComparison.Ordinal);

        var atLimit = PolicyTestKit.Compile(PolicyTestKit.Yaml(Claims(heavy.Take(TrustPolicyCompiler.MaxHeavyPatternsPerPolicy))));
        Assert.Equal(TrustPolicyCompiler.MaxHeavyPatternsPerPolicy, atLimit.HeavyPatternCount);
    }

    [Fact]
    public void An_owner_cannot_hold_more_heavy_patterns_than_its_budget_across_files()
    {
        var budget = new OwnerPatternBudget(new ManualTimeProvider(), TimeSpan.FromMinutes(5));
        for (var i = 0; i < HeavyPatternBudget.PerOwner / 4; i++)
        {
            Assert.True(budget.TryAdmit("octo-org", $"file-{i}", 4, out _));
        }

        Assert.False(budget.TryAdmit("octo-org", "file-beyond", 4, out var total));
        Assert.Equal(HeavyPatternBudget.PerOwner + 4, total);
        Assert.False(budget.TryAdmit("OCTO-ORG", "file-beyond", 1, out _)); // owners compare case-insensitively
        Assert.True(budget.TryAdmit("octo-org", "file-light", 0, out _)); // a file without heavy patterns always fits
        Assert.True(budget.TryAdmit("other-org", "file-0", 4, out _)); // another owner has its own budget
    }

    [Fact]
    public void Reloading_a_file_replaces_its_count_and_expired_files_free_the_budget()
    {
        var time = new ManualTimeProvider();
        var budget = new OwnerPatternBudget(time, TimeSpan.FromMinutes(5));
        Assert.True(budget.TryAdmit("octo-org", "big", HeavyPatternBudget.PerOwner, out _));
        Assert.True(budget.TryAdmit("octo-org", "big", HeavyPatternBudget.PerOwner, out var reloaded)); // not counted twice
        Assert.Equal(HeavyPatternBudget.PerOwner, reloaded);
        Assert.False(budget.TryAdmit("octo-org", "second", 1, out _));

        time.Advance(TimeSpan.FromMinutes(5));
        Assert.True(budget.TryAdmit("octo-org", "second", 1, out var afterExpiry));
        Assert.Equal(1, afterExpiry);
    }
}
