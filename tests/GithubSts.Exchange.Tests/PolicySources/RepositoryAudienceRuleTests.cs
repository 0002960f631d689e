using GithubSts.Exchange.Policies;
using GithubSts.Exchange.PolicySources;
using static GithubSts.Exchange.Tests.Policies.PolicyTestKit;

namespace GithubSts.Exchange.Tests.PolicySources;

/// <summary>Issue 11 §1 for repository-hosted policies: one allowed audience is enough, and nothing beyond the list.</summary>
public sealed class RepositoryAudienceRuleTests
{
    [Theory]
    [InlineData(new[] { ServiceIdentifier }, true)]
    [InlineData(new[] { "other", ServiceIdentifier }, true)]
    [InlineData(new[] { ServiceIdentifier, "other" }, true)]
    [InlineData(new[] { "github-sts" }, true)]
    [InlineData(new[] { "other", "sts.amazonaws.com" }, false)]
    [InlineData(new[] { "STS.example.com" }, false)]
    [InlineData(new[] { ServiceIdentifier + "/" }, false)]
    [InlineData(new string[0], false)]
    public void Unset_list_allows_every_default_audience_and_one_is_enough(string[] audiences, bool expected)
    {
        var rule = new RepositoryAudienceRule([], ServiceIdentifier, ["github-sts"]);

        Assert.Equal(expected, rule.CouldAccept(audiences));
    }

    [Fact]
    public void A_file_naming_no_audience_accepts_only_the_default_audiences_the_list_allows()
    {
        // policies.repositoryAudiences leaves out github-sts: repository files were not given it, so they do not get it.
        var rule = new RepositoryAudienceRule([ServiceIdentifier, "custom"], ServiceIdentifier, ["github-sts"]);
        var definition = TrustPolicyYaml.Parse(Yaml());
        Assert.Null(rule.Check(definition));
        var policy = rule.Apply(Compile(Yaml()));
        var service = new AudienceSet([ServiceIdentifier, "github-sts"]);

        Assert.True(TrustPolicyEvaluator.Evaluate(policy, TokenIdentity(Token("\"" + ServiceIdentifier + "\"")), service).Allowed);
        Assert.True(TrustPolicyEvaluator.Evaluate(policy, TokenIdentity(Token("[\"github-sts\",\"" + ServiceIdentifier + "\"]")), service).Allowed);

        // Refused as a policy mismatch (403), never as "not for this service": a policy existing must not show.
        Assert.Equal(
            PolicyDenialReason.AudienceMismatch,
            TrustPolicyEvaluator.Evaluate(policy, TokenIdentity(Token("\"github-sts\"")), service).Reason);
        Assert.False(rule.CouldAccept(["github-sts"]));
    }

    [Fact]
    public void A_file_naming_an_audience_is_left_as_it_is()
    {
        var rule = new RepositoryAudienceRule([ServiceIdentifier, "custom"], ServiceIdentifier, ["github-sts"]);
        var policy = Compile(Yaml("audience: custom"));

        Assert.Same(policy, rule.Apply(policy));
        Assert.Null(rule.Check(TrustPolicyYaml.Parse(Yaml("audience: custom"))));
        Assert.Equal(PolicyErrorCode.AudienceNotAllowed, rule.Check(TrustPolicyYaml.Parse(Yaml("audience: github-sts")))!.Code);
    }

    [Fact]
    public void With_every_default_audience_allowed_a_policy_is_served_as_compiled()
    {
        var rule = new RepositoryAudienceRule([], ServiceIdentifier, ["github-sts"]);
        var policy = Compile(Yaml());

        Assert.Same(policy, rule.Apply(policy));
    }

    private static string Token(string aud) => $$"""{"iss":"{{GitHubIssuer}}","sub":"{{MainSubject}}","aud":{{aud}}}""";
}
