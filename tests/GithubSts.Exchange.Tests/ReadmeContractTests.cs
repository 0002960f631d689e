using System.Globalization;
using GithubSts.Exchange.Endpoints;
using GithubSts.Exchange.Pipeline;
using GithubSts.Exchange.Policies;
using GithubSts.Testing;
using Microsoft.AspNetCore.Http;

namespace GithubSts.Exchange.Tests;

/// <summary>
/// README's tables are part of the contract: the policy file's keys, the pattern budgets and the error table must say
/// exactly what the code does (the settings table: <c>Configuration/ReadmeSettingsTests</c>).
/// </summary>
public sealed class ReadmeContractTests
{
    [Fact]
    public void The_policy_key_table_lists_exactly_the_keys_a_policy_file_may_use()
    {
        var documented = ReadmeTables.After("| key | meaning |")
            .SelectMany(row => row[0].Split(" / ", StringSplitOptions.TrimEntries)).Select(Code);

        Assert.Equal(TrustPolicyYamlReader.KnownFields.Order(StringComparer.Ordinal), documented.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void The_pattern_budget_table_states_the_limits_the_compiler_enforces()
    {
        var documented = ReadmeTables.After("| budget | limit | error / reason |").ToDictionary(row => row[0], row => row[1], StringComparer.Ordinal);
        var expected = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["pattern length"] = $"{PolicyPattern.MaxLength} characters",
            ["character positions per pattern, counted repetitions unrolled"] = Number(PolicyPattern.MaxExpandedSize),
            ["positions tracked at once by a heavy pattern"] = Number(PolicyPattern.MaxAmbiguity),
            ["estimated memory of one pattern"] = $"{PolicyPattern.MaxRetainedBytesPerPolicy / 1_000_000} MB",
            ["patterns per policy (issuer, subject, audience, claims)"] = Number(TrustPolicyCompiler.MaxPatternsPerPolicy),
            ["character positions of all patterns of a policy"] = Number(TrustPolicyCompiler.MaxPatternCostPerPolicy),
            ["estimated memory of all patterns of a policy"] = $"{PolicyPattern.MaxRetainedBytesPerPolicy / 1_000_000} MB",
            ["heavy patterns per policy"] = Number(TrustPolicyCompiler.MaxHeavyPatternsPerPolicy),
            ["heavy patterns across the TrustPolicies of a namespace"] = Number(HeavyPatternBudget.PerNamespace),
            ["heavy patterns across the cached policy files of one owner"] = Number(HeavyPatternBudget.PerOwner),
        };

        Assert.Equal(expected.OrderBy(e => e.Key, StringComparer.Ordinal), documented.OrderBy(e => e.Key, StringComparer.Ordinal));
    }

    [Fact]
    public void The_error_table_has_a_row_for_every_status_and_code_the_bearer_apis_answer()
    {
        var documented = ReadmeTables.After("| status | `error` | when |").Select(row => (row[0], Code(row[1]))).ToHashSet();

        foreach (var failure in Failures())
        {
            var http = new DefaultHttpContext();
            var result = (Microsoft.AspNetCore.Http.HttpResults.JsonHttpResult<ErrorResponse>)ErrorResults.ForBearerApi(failure, http);
            var row = (result.StatusCode!.Value.ToString(CultureInfo.InvariantCulture), result.Value!.Error);
            Assert.True(documented.Contains(row), $"README's error table has no row {row} (kind {failure.Kind})");
        }
    }

    private static IEnumerable<ExchangeException> Failures()
    {
        // One exception of every kind, through the factories the pipeline uses.
        var factories = typeof(ExchangeException).GetMethods(System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Static)
            .Where(m => m.ReturnType == typeof(ExchangeException));
        var kinds = new HashSet<ExchangeErrorKind>();
        foreach (var factory in factories)
        {
            var arguments = factory.GetParameters().Select(p => p.ParameterType switch
            {
                var t when t == typeof(string) => "x",
                var t when t == typeof(TimeSpan) || t == typeof(TimeSpan?) => (object?)TimeSpan.FromSeconds(1),
                _ => null,
            }).ToArray();
            if (factory.Invoke(null, arguments) is ExchangeException failure && kinds.Add(failure.Kind))
            {
                yield return failure;
            }
        }

        Assert.Equal(Enum.GetValues<ExchangeErrorKind>().Order(), kinds.Order());
    }

    private static string Number(long value) => value.ToString("N0", CultureInfo.InvariantCulture);

    private static string Code(string cell) => cell.Trim().Trim('`');
}
