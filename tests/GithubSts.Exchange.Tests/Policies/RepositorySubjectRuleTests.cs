using GithubSts.Exchange.Policies;
using GithubSts.Exchange.Requests;

namespace GithubSts.Exchange.Tests.Policies;

/// <summary>Item 5.2: a GitHub Actions policy must pin whose workflows it trusts.</summary>
public class RepositorySubjectRuleTests
{
    private static readonly ExchangeTarget Repository = new("octo-org", "app");
    private static readonly ExchangeTarget Organization = new("octo-org", null);

    [Theory]
    [InlineData("repo:.*")]
    [InlineData("repo:.+")]
    [InlineData("repo:[^@]*")]
    [InlineData("[^@]*")]
    [InlineData("[^@]+")]
    [InlineData("repo:.+:.*")]
    [InlineData("repo:.*:ref:refs/heads/main")]
    [InlineData("repo:[a-z-]+/.*")]
    [InlineData("repo:[a-zA-Z0-9_.-]+/app:.*")]
    [InlineData("repo:[^/]+/app:ref:refs/heads/main")]
    [InlineData("repo:[^:]*:environment:production")]
    [InlineData("repo:octo-org.*")]
    [InlineData("repo:octo-org[a-z-]*/app:.*")]
    [InlineData("repo:[a-z]*octo-org/app:.*")]
    [InlineData("repo:(octo-org|[a-z]+)/app:.*")]
    [InlineData("repo:.*:pull_request")]
    public void Subjects_of_foreign_owners_are_refused_in_every_scope(string pattern)
    {
        foreach (var (kind, target) in new[] { (PolicyScopeKind.Repository, Repository), (PolicyScopeKind.Organization, Organization) })
        {
            var error = Assert.Single(Errors(ActionsPolicy(pattern, kind), kind, target));
            Assert.Equal(PolicyErrorCode.UnpinnedRepositorySubject, error.Code);
            Assert.Equal("subject_pattern", error.Field);
            Assert.Contains("allow_any_repository_subject", error.Message, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("repo:octo-org/.*")]
    [InlineData("repo:octo-org/[a-z-]+:ref:refs/heads/main")]
    [InlineData("repo:octo-org/app.*")]
    public void A_repository_policy_must_also_pin_the_repository(string pattern)
    {
        var error = Assert.Single(Errors(ActionsPolicy(pattern, PolicyScopeKind.Repository), PolicyScopeKind.Repository, Repository));
        Assert.Equal(PolicyErrorCode.UnpinnedRepositorySubject, error.Code);

        // The same pattern pins the owner, which is what an organization policy needs.
        Assert.Empty(Errors(ActionsPolicy(pattern, PolicyScopeKind.Organization), PolicyScopeKind.Organization, Organization));
    }

    [Theory]
    [InlineData("repo:octo-org/app:.*")]
    [InlineData("repo:octo-org/app:ref:refs/heads/.*")]
    [InlineData("repo:octo-org/app:environment:[a-z]+")]
    [InlineData("repo:octo-org/(app|web):ref:refs/heads/main")]
    [InlineData("repo:octo-org/deployer:ref:refs/tags/v[0-9.]+")]
    public void Pinned_subjects_compile(string pattern)
    {
        Assert.Empty(Errors(ActionsPolicy(pattern, PolicyScopeKind.Repository), PolicyScopeKind.Repository, Repository));
        Assert.Empty(Errors(ActionsPolicy(pattern, PolicyScopeKind.Organization), PolicyScopeKind.Organization, Organization));
    }

    [Theory]
    [InlineData("repository_owner: octo-org", PolicyScopeKind.Organization)]
    [InlineData("repository_owner_id: \"1234567\"", PolicyScopeKind.Organization)]
    [InlineData("repository: octo-org/app", PolicyScopeKind.Repository)]
    [InlineData("repository: octo-org/app", PolicyScopeKind.Organization)]
    [InlineData("repository_id: \"987654\"", PolicyScopeKind.Repository)]
    public void Claim_patterns_on_the_repository_or_owner_pin_a_broad_subject(string claim, PolicyScopeKind kind)
    {
        var target = kind == PolicyScopeKind.Repository ? Repository : Organization;
        Assert.Empty(Errors(ActionsPolicy("repo:.*", kind, $"claim_pattern:\n  {claim}\n"), kind, target));
    }

    [Theory]
    [InlineData("job_workflow_ref: octo-org/app/\\.github/workflows/deploy\\.yaml@refs/heads/main", PolicyScopeKind.Organization)]
    [InlineData("repository_owner: octo-org", PolicyScopeKind.Repository)]
    [InlineData("repository_owner: octo-org.*", PolicyScopeKind.Organization)]
    [InlineData("repository: .*/app", PolicyScopeKind.Repository)]
    [InlineData("ref: refs/heads/main", PolicyScopeKind.Organization)]
    public void Claims_that_do_not_pin_the_repository_do_not_help(string claim, PolicyScopeKind kind)
    {
        // Any repository can call a reusable workflow it can read, or have a main branch.
        var target = kind == PolicyScopeKind.Repository ? Repository : Organization;
        var error = Assert.Single(Errors(ActionsPolicy("repo:.*", kind, $"claim_pattern:\n  {claim}\n"), kind, target));
        Assert.Equal(PolicyErrorCode.UnpinnedRepositorySubject, error.Code);
    }

    [Theory]
    [InlineData("repo:.*")]
    [InlineData("[^@]*")]
    [InlineData("repo:octo-org/.*")]
    public void An_explicit_opt_in_allows_any_repository(string pattern)
    {
        var yaml = ActionsPolicy(pattern, PolicyScopeKind.Repository, "allow_any_repository_subject: true\n");
        Assert.Empty(Errors(yaml, PolicyScopeKind.Repository, Repository));

        var explicitNo = ActionsPolicy(pattern, PolicyScopeKind.Repository, "allow_any_repository_subject: false\n");
        Assert.Equal(PolicyErrorCode.UnpinnedRepositorySubject, Assert.Single(Errors(explicitNo, PolicyScopeKind.Repository, Repository)).Code);
    }

    [Theory]
    [InlineData("\"true\"")]
    [InlineData("yes")]
    [InlineData("1")]
    public void The_opt_in_is_a_plain_boolean(string value)
    {
        var ex = Assert.Throws<PolicyFormatException>(() => TrustPolicyYaml.Parse(
            ActionsPolicy("repo:.*", PolicyScopeKind.Repository, $"allow_any_repository_subject: {value}\n")));
        Assert.Equal("allow_any_repository_subject", ex.Error.Field);
    }

    [Theory]
    [InlineData("issuer: https://token.actions.githubusercontent.com")]
    [InlineData("issuer: https://token.actions.githubusercontent.com/octo-enterprise")]
    [InlineData("issuer: https://token.actions.octo.ghe.com")]
    [InlineData("issuer: https://ghes.example.com/_services/token")]
    [InlineData("issuer_pattern: https://token\\.actions\\.githubusercontent\\.com")]
    [InlineData("issuer_pattern: https://token\\.actions\\.githubusercontent\\.com/[a-z-]+")]
    [InlineData("issuer_pattern: https://ghes[0-9]\\.example\\.com/_services/token")]
    [InlineData("issuer_pattern: https?://(127\\.0\\.0\\.1:[0-9]+|token\\.actions\\.githubusercontent\\.com)")]
    public void Every_form_of_the_actions_issuer_is_covered(string issuerLine)
    {
        var yaml = $"{issuerLine}\nsubject_pattern: repo:[^@]*\npermissions:\n  contents: read\n";
        Assert.Equal(PolicyErrorCode.UnpinnedRepositorySubject, Assert.Single(Errors(yaml, PolicyScopeKind.Repository, Repository)).Code);
    }

    [Theory]
    [InlineData("issuer: https://gitlab.com")]
    [InlineData("issuer: https://kubernetes.default.svc")]
    [InlineData("issuer_pattern: https://oidc\\.example\\.com")]
    public void Other_issuers_are_not_judged_by_github_subjects(string issuerLine)
    {
        var yaml = $"{issuerLine}\nsubject_pattern: repo:[^@]*\npermissions:\n  contents: read\n";
        Assert.Empty(Errors(yaml, PolicyScopeKind.Repository, Repository));
    }

    [Fact]
    public void Without_a_known_target_foreign_owners_are_still_refused()
    {
        var result = TrustPolicyCompiler.Compile(TrustPolicyYaml.Parse(ActionsPolicy("repo:[a-z-]+/.*", PolicyScopeKind.Repository)), PolicyScopeKind.Repository);
        Assert.Equal(PolicyErrorCode.UnpinnedRepositorySubject, Assert.Single(result.Errors).Code);
    }

    private static IReadOnlyList<PolicyError> Errors(string yaml, PolicyScopeKind kind, ExchangeTarget target) =>
        TrustPolicyCompiler.Compile(TrustPolicyYaml.Parse(yaml), kind, target).Errors;

    private static string ActionsPolicy(string subjectPattern, PolicyScopeKind kind, string extra = "") =>
        $"issuer: {PolicyTestKit.GitHubIssuer}\nsubject_pattern: '{subjectPattern}'\n{extra}"
        + (kind == PolicyScopeKind.Organization ? "repositories: ['*']\n" : string.Empty)
        + "permissions:\n  contents: read\n";
}
