using GithubSts.Exchange.Policies.Linting;
using GithubSts.Testing;

namespace GithubSts.Exchange.Tests.Policies.Linting;

/// <summary>README's finding-codes table lists exactly the codes the linter reports, with their severities.</summary>
public sealed class LintCodesReadmeTests
{
    [Fact]
    public void The_finding_codes_table_lists_every_code_with_its_severity()
    {
        var documented = ReadmeTables.After("| finding code | severity | meaning |")
            .Select(row => $"{row[0].Trim('`')} {row[1]}")
            .Order(StringComparer.Ordinal);
        var actual = LintCodes.All
            .Select(c => $"{c.Code} {(c.Severity == LintSeverity.Error ? "error" : "warning")}")
            .Order(StringComparer.Ordinal);

        Assert.Equal(actual, documented);
    }
}
