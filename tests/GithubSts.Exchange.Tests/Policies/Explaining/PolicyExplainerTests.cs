using System.Text;
using GithubSts.Exchange.Identity;
using GithubSts.Exchange.Policies;
using GithubSts.Exchange.Policies.Explaining;

namespace GithubSts.Exchange.Tests.Policies.Explaining;

/// <summary>Issue 13 §2: every rule is marked by the evaluator's own step, and the verdict is the evaluator's.</summary>
public sealed class PolicyExplainerTests
{
    private const string Policy = """
        issuer: https://token.actions.githubusercontent.com
        subject: repo:org/repo:ref:refs/heads/main
        claim_pattern:
          workflow: deploy
        permissions:
          contents: write
        max_token_lifetime: 600
        """;

    private static readonly AudienceSet Service = new([PolicyTestKit.ServiceIdentifier]);

    public static TheoryData<string, string> Tokens() => new()
    {
        { PolicyTestKit.MainSubject, "\"workflow\":\"deploy\",\"iat\":1000,\"exp\":1500" },
        { "repo:org/repo:ref:refs/heads/dev", "\"workflow\":\"deploy\",\"iat\":1000,\"exp\":1500" },
        { PolicyTestKit.MainSubject, "\"iat\":1000,\"exp\":1500" },
        { PolicyTestKit.MainSubject, "\"workflow\":\"other\",\"iat\":1000,\"exp\":1500" },
        { PolicyTestKit.MainSubject, "\"workflow\":true,\"iat\":1000,\"exp\":1500" },
        { PolicyTestKit.MainSubject, "\"workflow\":\"deploy\",\"iat\":1000,\"exp\":9000" },
        { PolicyTestKit.MainSubject, "\"workflow\":\"deploy\",\"exp\":9000" },
    };

    [Theory]
    [MemberData(nameof(Tokens))]
    public void The_verdict_is_the_evaluators_and_only_the_failing_rule_is_marked(string subject, string members)
    {
        var identity = PolicyTestKit.GitHubIdentity(subject, members);
        var compiled = PolicyTestKit.Compile(Policy);

        var explanation = PolicyExplainer.Explain(TrustPolicyYaml.Parse(Policy), compiled, identity, Service);

        var expected = TrustPolicyEvaluator.Evaluate(compiled, identity, Service);
        Assert.Equal(expected, explanation.Decision);
        var failed = explanation.Steps.Where(s => s.Passed == false).Select(s => s.Rule).ToList();
        Assert.Equal(expected.Allowed, failed.Count == 0);
        var rule = expected.Reason switch
        {
            PolicyDenialReason.None => null,
            PolicyDenialReason.SubjectMismatch => "subject",
            PolicyDenialReason.LifetimeTooLong or PolicyDenialReason.LifetimeUnknown => "lifetime",
            _ => "claim workflow",
        };
        Assert.Equal(rule is null ? [] : [rule], failed);
    }

    [Fact]
    public void Each_rule_shows_the_policy_value_and_the_tokens()
    {
        var identity = PolicyTestKit.GitHubIdentity("repo:org/repo:ref:refs/heads/dev", "\"workflow\":\"deploy\",\"iat\":1000,\"exp\":1300");

        var steps = PolicyExplainer.Explain(TrustPolicyYaml.Parse(Policy), PolicyTestKit.Compile(Policy), identity, Service).Steps;

        Assert.Equal(
            [
                new ExplainStep("issuer", PolicyTestKit.GitHubIssuer, PolicyTestKit.GitHubIssuer, true),
                new ExplainStep("audience", "one of the service's default audiences: sts.example.com", "sts.example.com", true),
                new ExplainStep("subject", PolicyTestKit.MainSubject, "repo:org/repo:ref:refs/heads/dev", false),
                new ExplainStep("claim workflow", "pattern deploy", "deploy", true),
                new ExplainStep("lifetime", "at most 600s (exp - nbf, or exp - iat)", "300s", true),
                new ExplainStep("permissions", "contents: write", string.Empty, null),
                new ExplainStep("repositories", "the scope's repository", string.Empty, null),
            ],
            steps);
    }

    [Fact]
    public void An_id_form_subject_meets_a_name_form_rule_when_its_claims_confirm_it_as_in_the_exchange()
    {
        const string Claims = """
            {"iss":"https://token.actions.githubusercontent.com","sub":"repo:org@1/repo@2:ref:refs/heads/main","aud":"sts.example.com",
             "exp":1500,"iat":1000,"workflow":"deploy","repository":"org/repo","repository_owner":"org","repository_owner_id":"1","repository_id":"2"}
            """;
        var identity = UnverifiedToken.FromClaimsJson(Encoding.UTF8.GetBytes(Claims), new GitHubActionsIssuers([GitHubActionsIssuers.GitHubCom]));

        var explanation = PolicyExplainer.Explain(TrustPolicyYaml.Parse(Policy), PolicyTestKit.Compile(Policy), identity, Service);

        Assert.True(explanation.Decision.Allowed);
        Assert.Contains("name form confirmed by its claims: repo:org/repo:ref:refs/heads/main", explanation.Steps[2].Actual, StringComparison.Ordinal);
    }

    [Fact]
    public void Without_the_service_audiences_a_policy_naming_none_is_judged_on_an_assumption_it_reports()
    {
        var identity = PolicyTestKit.GitHubIdentity(PolicyTestKit.MainSubject, "\"workflow\":\"deploy\",\"iat\":1000,\"exp\":1500");

        var explanation = PolicyExplainer.Explain(TrustPolicyYaml.Parse(Policy), PolicyTestKit.Compile(Policy), identity, null);

        Assert.True(explanation.AudienceAssumed);
        Assert.True(explanation.Decision.Allowed);
        Assert.False(PolicyExplainer.Explain(
            TrustPolicyYaml.Parse(Policy), PolicyTestKit.Compile(Policy), identity, new AudienceSet(["other"])).Decision.Allowed);
    }

    [Theory]
    [InlineData("{\"iss\":\"a\",\"sub\":\"b\",\"aud\":\"c\",\"exp\":1,\"sub\":\"evil\"}", "duplicate")]
    [InlineData("{\"iss\":\"a\",\"sub\":\"b\",\"aud\":\"c\"}", "exp")]
    [InlineData("[1]", "JSON object")]
    public void Claims_are_read_with_the_services_strict_parsers(string json, string problem)
    {
        var error = Assert.Throws<TokenRejectedException>(
            () => UnverifiedToken.FromClaimsJson(Encoding.UTF8.GetBytes(json), new GitHubActionsIssuers([])));

        Assert.Contains(problem, error.Message, StringComparison.Ordinal);
    }
}
