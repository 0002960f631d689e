using GithubSts.Exchange.Policies;
using GithubSts.Exchange.Policies.Linting;
using GithubSts.Exchange.Requests;
using GithubSts.Testing;

namespace GithubSts.Exchange.Tests.Policies.Linting;

/// <summary>
/// Issue 13 §1: every file under Golden/ is linted (with the scope its first line names, <c># scope: …</c>) and its
/// findings must equal the file's <c>.expected</c> twin, line for line.
/// </summary>
public sealed class PolicyLinterGoldenTests
{
    private const string Directory = "tests/GithubSts.Exchange.Tests/Policies/Linting/Golden";

    // Reported by the server from its configuration (the App's ceiling, the repository audiences), not from a file alone.
    private static readonly PolicyErrorCode[] ServerOnly =
        [PolicyErrorCode.OrganizationPermissionsNotAllowed, PolicyErrorCode.PermissionExceedsApp, PolicyErrorCode.AudienceNotAllowed];

    public static TheoryData<string> Cases()
    {
        var cases = new TheoryData<string>();
        foreach (var file in Files())
        {
            cases.Add(Path.GetFileName(file));
        }

        return cases;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Findings_equal_the_golden_file(string name)
    {
        Golden.AssertMatches($"{Directory}/{name}.expected", Render(name));
    }

    [Fact]
    public void Every_error_the_compiler_can_report_has_a_golden_case()
    {
        var covered = Files().SelectMany(f => Lint(Path.GetFileName(f))).Select(f => f.Code).ToHashSet(StringComparer.Ordinal);

        var missing = Enum.GetNames<PolicyErrorCode>().Except(ServerOnly.Select(c => c.ToString()), StringComparer.Ordinal)
            .Where(code => !covered.Contains(code));
        Assert.Empty(missing);
        Assert.Contains(LintCodes.MisnamedPolicyFile, covered);
        Assert.Contains(LintCodes.BroadSubjectPattern, covered);
        Assert.Contains(LintCodes.NameFormSubject, covered);
    }

    [Fact]
    public void A_valid_policy_has_no_findings()
    {
        Assert.Empty(Lint("valid.sts.yaml"));
    }

    [Fact]
    public void Findings_carry_the_line_and_column_of_the_offending_key()
    {
        var finding = Assert.Single(Lint("permission-outside-scope.sts.yaml"));

        Assert.Equal((LintSeverity.Error, "PermissionOutsideScope", "permissions.members", 6, 3), (finding.Severity, finding.Code, finding.Field, finding.Line, finding.Column));
    }

    [Fact]
    public void A_syntax_error_is_located_by_the_parser_and_its_message_does_not_repeat_the_position()
    {
        var finding = Assert.Single(Lint("invalid-yaml.sts.yaml"));

        Assert.Equal("InvalidYaml", finding.Code);
        Assert.DoesNotContain("(line", finding.Message, StringComparison.Ordinal);
        Assert.True(finding.Line > 1);
    }

    [Fact]
    public void The_warning_for_a_name_form_subject_suggests_the_id_form()
    {
        var finding = Assert.Single(Lint("name-form-subject.sts.yaml"));

        Assert.Equal((LintSeverity.Warning, LintCodes.NameFormSubject), (finding.Severity, finding.Code));
        Assert.Contains("'repo:octo-org@<owner id>/app@<repository id>:ref:refs/heads/main'", finding.Message, StringComparison.Ordinal);
        Assert.Contains("more robust", finding.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Id_form_subjects_and_other_issuers_get_no_name_form_warning()
    {
        const string Policy = "issuer: https://accounts.google.com\nsubject: repo:octo-org/app:ref:refs/heads/main\npermissions:\n  contents: read\n";

        Assert.Empty(PolicyLinter.LintRepositoryPolicy("google.sts.yaml", Policy));
        Assert.Empty(Lint("valid.sts.yaml"));
    }

    [Fact]
    public void Without_a_scope_a_policy_listing_repositories_is_an_organization_policy()
    {
        const string Policy = "issuer: https://accounts.google.com\nsubject: alice\npermissions:\n  members: read\nrepositories: ['*']\n";

        Assert.Empty(PolicyLinter.LintRepositoryPolicy("org.sts.yaml", Policy));
        Assert.Contains(
            PolicyLinter.LintRepositoryPolicy("org.sts.yaml", Policy, new ExchangeTarget("octo-org", "app")),
            f => f.Code == nameof(PolicyErrorCode.RepositoriesNotAllowed));
    }

    private static string Render(string name) => string.Concat(Lint(name).Select(f => f + "\n"));

    private static IReadOnlyList<LintFinding> Lint(string name)
    {
        var text = File.ReadAllText(Path.Combine(RepositoryPaths.Root, Directory, name));
        ExchangeTarget? scope = null;
        if (text.StartsWith("# scope: ", StringComparison.Ordinal))
        {
            Assert.True(ExchangeTarget.TryParse(text["# scope: ".Length..text.IndexOf('\n', StringComparison.Ordinal)], out var parsed));
            scope = parsed;
        }

        return PolicyLinter.LintRepositoryPolicy(name, text, scope);
    }

    private static IEnumerable<string> Files() => System.IO.Directory.EnumerateFiles(Path.Combine(RepositoryPaths.Root, Directory))
        .Where(f => !f.EndsWith(".expected", StringComparison.Ordinal))
        .Order(StringComparer.Ordinal);
}
