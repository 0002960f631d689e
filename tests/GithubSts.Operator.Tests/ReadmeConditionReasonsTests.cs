using System.Reflection;
using GithubSts.Operator.Apis.V1Alpha1;
using GithubSts.Testing;

namespace GithubSts.Operator.Tests;

/// <summary>README's status reasons are part of the contract: every reason the operator can set is documented.</summary>
public sealed class ReadmeConditionReasonsTests
{
    private static readonly string[] Reasons = typeof(ConditionReasons)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Where(f => f.IsLiteral && f.FieldType == typeof(string))
        .Select(f => (string)f.GetRawConstantValue()!)
        .ToArray();

    [Fact]
    public void Every_condition_reason_is_documented()
    {
        var undocumented = Reasons.Where(r => !ReadmeTables.Text.Contains($"`{r}`", StringComparison.Ordinal)).ToList();
        Assert.True(undocumented.Count == 0, "README does not mention: " + string.Join(", ", undocumented));
    }

    [Fact]
    public void The_ready_reason_table_names_only_real_reasons()
    {
        var named = ReadmeTables.After("| TrustPolicy `Ready` reason | meaning |")
            .SelectMany(row => row[0].Split(',', StringSplitOptions.TrimEntries))
            .Select(cell => cell.Split(' ')[0].Trim('`'))
            .ToList();

        Assert.NotEmpty(named);
        Assert.All(named, reason => Assert.Contains(reason, Reasons));
    }
}
