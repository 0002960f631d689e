using GithubSts.Exchange.Policies;
using GithubSts.Operator.Index;

namespace GithubSts.IntegrationTests.Operator;

/// <summary>
/// Issue 9 item 1, pure logic (no cluster): the namespace heavy-pattern budget of <see cref="PolicyIndex.TryUpsert"/>
/// counts each policy once, and replacing or removing a policy frees what it held.
/// </summary>
public sealed class PolicyIndexBudgetTests
{
    private const int Budget = 8;

    private static IndexedPolicy Policy(string ns, string name, int heavy)
    {
        string[] patterns = ["(a|aa)*b", "(ab|a)*c", "(a+)+d", "a.*b.*c.*e"];
        var yaml = "issuer: https://issuer.example.com\nsubject: s\npermissions:\n  contents: read\n"
            + (heavy == 0 ? "claim_pattern:\n  x: v" : "claim_pattern:" + string.Concat(patterns.Take(heavy).Select((p, i) => $"\n  h{i}: '{p}'")));
        var compiled = TrustPolicyCompiler.Compile(TrustPolicyYaml.Parse(yaml), PolicyScopeKind.Repository);
        Assert.True(compiled.Succeeded, string.Join("; ", compiled.Errors));
        Assert.Equal(heavy, compiled.Policy!.HeavyPatternCount);
        return new IndexedPolicy(compiled.Policy, ns, name, DateTimeOffset.UnixEpoch, new PolicyIndexKey("app", "o/r", name));
    }

    [Fact]
    public void The_policy_beyond_the_namespace_budget_is_refused_and_another_namespace_is_not_charged()
    {
        var index = new PolicyIndex();
        Assert.True(index.TryUpsert(Policy("a", "p1", 4), Budget));
        Assert.True(index.TryUpsert(Policy("a", "p2", 4), Budget));
        Assert.False(index.TryUpsert(Policy("a", "p3", 1), Budget));
        Assert.Equal(Budget, index.HeavyPatternsIn("a"));
        Assert.True(index.TryUpsert(Policy("a", "light", 0), Budget)); // a policy without heavy patterns always fits
        Assert.True(index.TryUpsert(Policy("b", "p1", 4), Budget));
        Assert.Equal(4, index.HeavyPatternsIn("b"));
    }

    [Fact]
    public void Replacing_a_policy_counts_only_its_new_patterns_and_removing_it_frees_them()
    {
        var index = new PolicyIndex();
        Assert.True(index.TryUpsert(Policy("a", "p1", 4), Budget));
        Assert.True(index.TryUpsert(Policy("a", "p2", 4), Budget));
        Assert.True(index.TryUpsert(Policy("a", "p2", 4), Budget)); // re-reconciled: not counted twice
        Assert.True(index.TryUpsert(Policy("a", "p2", 1), Budget)); // replaced by a lighter version
        Assert.Equal(5, index.HeavyPatternsIn("a"));
        Assert.True(index.TryUpsert(Policy("a", "p3", 3), Budget));
        Assert.False(index.TryUpsert(Policy("a", "p4", 1), Budget));

        index.Remove("a", "p1");
        Assert.Equal(4, index.HeavyPatternsIn("a"));
        Assert.True(index.TryUpsert(Policy("a", "p4", 4), Budget));
    }
}
