using GithubSts.Exchange.GitHub;
using GithubSts.Exchange.Webhooks.Checks;

namespace GithubSts.Exchange.Tests.Webhooks;

public sealed class LinterPolicyFileCheckerTests
{
    private const string Path = ".github/sts/default/ci.sts.yaml";
    private readonly LinterPolicyFileChecker _checker = new();

    [Fact]
    public void A_valid_policy_has_no_errors()
    {
        Assert.DoesNotContain(_checker.Check(Path, Valid("contents: read"), "octo-org/octo-repo"), f => f.Severity == PolicyFindingSeverity.Error);
    }

    [Fact]
    public void A_syntax_error_is_reported_on_its_line_and_column()
    {
        var finding = Assert.Single(_checker.Check(Path, "issuer: x\nsubject: [unclosed\n", "octo-org/octo-repo"));
        Assert.Equal((PolicyFindingSeverity.Error, "InvalidYaml"), (finding.Severity, finding.Code));
        Assert.NotNull(finding.Line);
        Assert.DoesNotContain("(line", finding.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unknown_field_is_reported_on_its_line()
    {
        var finding = Assert.Single(_checker.Check(Path, "issuer: https://token.actions.githubusercontent.com\n\nsubjet: x\n", "octo-org/octo-repo"));
        Assert.Equal(("UnknownField", 3), (finding.Code, finding.Line));
    }

    [Fact]
    public void A_compile_error_is_reported_on_the_line_of_its_field()
    {
        var findings = _checker.Check(Path, Valid("contents: read\n  frobnicate: write"), "octo-org/octo-repo");
        var finding = Assert.Single(findings);
        Assert.Equal(("UnknownPermission", 5), (finding.Code, finding.Line));
        Assert.StartsWith("permissions.frobnicate", finding.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_organization_scope_needs_repositories()
    {
        Assert.Contains(_checker.Check(Path, Valid("contents: read"), "octo-org"), f => f.Code == "MissingRepositories");
    }

    [Fact]
    public void A_file_not_ending_in_sts_yaml_is_a_warning()
    {
        var finding = Assert.Single(_checker.Check(".github/sts/default/ci.yaml", Valid("contents: read"), "octo-org/octo-repo"));
        Assert.Equal((PolicyFindingSeverity.Warning, "MisnamedPolicyFile"), (finding.Severity, finding.Code));
    }

    [Fact]
    public void The_findings_are_the_linters_including_its_warnings()
    {
        // A name-form GitHub Actions subject is valid but gets the linter's warning, on the subject's line.
        var text = Valid("contents: read");
        var findings = _checker.Check(Path, text, "octo-org/octo-repo");
        var finding = Assert.Single(findings);
        Assert.Equal((PolicyFindingSeverity.Warning, "NameFormSubject", 2, 1), (finding.Severity, finding.Code, finding.Line, finding.Column));
        Assert.True(GithubSts.Exchange.Requests.ExchangeTarget.TryParse("octo-org/octo-repo", out var scope));
        var linted = Assert.Single(GithubSts.Exchange.Policies.Linting.PolicyLinter.LintRepositoryPolicy(Path, text, scope));
        Assert.Equal(linted.Text, finding.Message);
    }

    [Fact]
    public void The_installation_cannot_grant_findings_name_the_permission_and_its_line()
    {
        var installation = new InstallationDetails(1, "octo-org", new Dictionary<string, string> { ["contents"] = "read" });
        var findings = PolicyCheckRunner.InstallationGrantFindings(Path, Valid("contents: write\n  issues: read"), installation).ToList();
        Assert.Equal(2, findings.Count);
        Assert.Equal(4, findings[0].Line);
        Assert.StartsWith("permissions.contents: the installation cannot grant contents: write (it holds read)", findings[0].Message, StringComparison.Ordinal);
        Assert.Equal(5, findings[1].Line);
        Assert.Contains("(it holds none)", findings[1].Message, StringComparison.Ordinal);
    }

    private static string Valid(string permissions) =>
        $"issuer: https://token.actions.githubusercontent.com\nsubject: repo:octo-org/octo-repo:ref:refs/heads/main\npermissions:\n  {permissions}\n";
}
