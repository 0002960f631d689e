using GithubSts.Exchange.Identity;
using GithubSts.Exchange.Policies;
using static GithubSts.Exchange.Tests.Policies.PolicyTestKit;

namespace GithubSts.Exchange.Tests.Policies;

public class TrustPolicyEvaluatorTests
{
    [Fact]
    public void Matching_token_is_allowed_without_detail()
    {
        var decision = Evaluate(Yaml(), GitHubIdentity());

        Assert.True(decision.Allowed);
        Assert.Equal(PolicyDecision.Allow, decision);
        Assert.Null(decision.Detail);
    }

    [Fact]
    public void Checks_run_in_order_issuer_audience_subject_claims_lifetime()
    {
        // Everything is wrong; each fix reveals the next check.
        var policy = Yaml("claim_pattern: {environment: prod}\nmax_token_lifetime: 60");
        Assert.Equal(PolicyDenialReason.IssuerMismatch, Reason(policy, """{"iss":"https://evil","sub":"x","aud":"other"}"""));
        Assert.Equal(PolicyDenialReason.AudienceNotForService, Reason(policy, $$"""{"iss":"{{GitHubIssuer}}","sub":"x","aud":"other"}"""));
        Assert.Equal(PolicyDenialReason.SubjectMismatch, Reason(policy, $$"""{"iss":"{{GitHubIssuer}}","sub":"x","aud":"{{ServiceIdentifier}}"}"""));
        Assert.Equal(PolicyDenialReason.ClaimMissing, Reason(policy, $$"""{"iss":"{{GitHubIssuer}}","sub":"{{MainSubject}}","aud":"{{ServiceIdentifier}}"}"""));
        Assert.Equal(PolicyDenialReason.LifetimeUnknown, Reason(policy, $$"""{"iss":"{{GitHubIssuer}}","sub":"{{MainSubject}}","aud":"{{ServiceIdentifier}}","environment":"prod"}"""));
        Assert.Equal(PolicyDenialReason.None, Reason(policy, $$"""{"iss":"{{GitHubIssuer}}","sub":"{{MainSubject}}","aud":"{{ServiceIdentifier}}","environment":"prod","iat":1000,"exp":1060}"""));
    }

    [Theory]
    [InlineData("""["sts.example.com"]""", PolicyDenialReason.None)]
    [InlineData("""["sts.example.com","sts.example.com"]""", PolicyDenialReason.None)]
    [InlineData("""["sts.example.com","https://github.com/org"]""", PolicyDenialReason.None)]
    [InlineData("""["https://github.com/org","sts.example.com"]""", PolicyDenialReason.None)]
    [InlineData("""["https://github.com/org"]""", PolicyDenialReason.AudienceNotForService)]
    [InlineData("""["https://github.com/org","sts.amazonaws.com"]""", PolicyDenialReason.AudienceNotForService)]
    [InlineData("""["sts.example.com/"]""", PolicyDenialReason.AudienceNotForService)]
    [InlineData("""["STS.EXAMPLE.COM"]""", PolicyDenialReason.AudienceNotForService)]
    [InlineData("""["STS.example.com"]""", PolicyDenialReason.AudienceNotForService)]
    [InlineData("""[" sts.example.com"]""", PolicyDenialReason.AudienceNotForService)]
    [InlineData("""["https://sts.example.com"]""", PolicyDenialReason.AudienceNotForService)]
    public void Default_audience_is_the_service_identifier_and_one_audience_must_be_it(string aud, PolicyDenialReason expected)
    {
        var identity = TokenIdentity($$"""{"iss":"{{GitHubIssuer}}","sub":"{{MainSubject}}","aud":{{aud}}}""");

        Assert.Equal(expected, Evaluate(Yaml(), identity).Reason);
    }

    [Theory]
    [InlineData("audience: custom-aud", """["custom-aud"]""", PolicyDenialReason.None)]
    [InlineData("audience: custom-aud", """["other"]""", PolicyDenialReason.AudienceNotForService)]
    [InlineData("audience: custom-aud", """["custom-aud","sts.example.com"]""", PolicyDenialReason.None)]
    [InlineData("audience: custom-aud", """["other","custom-aud"]""", PolicyDenialReason.None)]
    [InlineData("audience: custom-aud", """["sts.example.com"]""", PolicyDenialReason.AudienceMismatch)]
    [InlineData("audience: custom-aud", """["sts.example.com","Custom-aud"]""", PolicyDenialReason.AudienceMismatch)]
    [InlineData("audience_pattern: 'aud-[a-z]+'", """["aud-a","aud-b"]""", PolicyDenialReason.None)]
    [InlineData("audience_pattern: 'aud-[a-z]+'", """["aud-1","aud-a"]""", PolicyDenialReason.None)]
    [InlineData("audience_pattern: 'aud-[a-z]+'", """["aud-1","aud-2"]""", PolicyDenialReason.AudienceNotForService)]
    [InlineData("audience_pattern: 'sts\\.example\\.com'", """["sts.example.com.evil"]""", PolicyDenialReason.AudienceNotForService)]
    [InlineData("audience_pattern: 'sts\\.example\\.com'", """["sts.example.com"]""", PolicyDenialReason.None)]
    public void Explicit_audience_rule_must_accept_one_audience(string rule, string aud, PolicyDenialReason expected)
    {
        var identity = TokenIdentity($$"""{"iss":"{{GitHubIssuer}}","sub":"{{MainSubject}}","aud":{{aud}}}""");

        Assert.Equal(expected, Evaluate(Yaml(rule), identity).Reason);
    }

    [Theory]
    [InlineData("""["github-sts"]""", PolicyDenialReason.None)]
    [InlineData("""["dd-octo-sts","other"]""", PolicyDenialReason.None)]
    [InlineData("""["sts.example.com"]""", PolicyDenialReason.None)]
    [InlineData("""["Github-sts"]""", PolicyDenialReason.AudienceNotForService)]
    [InlineData("""["github-sts/"]""", PolicyDenialReason.AudienceNotForService)]
    [InlineData("""["https://sts.example.com"]""", PolicyDenialReason.AudienceNotForService)]
    public void A_policy_naming_no_audience_accepts_every_default_audience(string aud, PolicyDenialReason expected)
    {
        var service = new AudienceSet([ServiceIdentifier, "github-sts", "dd-octo-sts"]);
        var identity = TokenIdentity($$"""{"iss":"{{GitHubIssuer}}","sub":"{{MainSubject}}","aud":{{aud}}}""");

        Assert.Equal(expected, TrustPolicyEvaluator.Evaluate(Compile(Yaml()), identity, service).Reason);
    }

    [Theory]
    [InlineData("""["github-sts"]""", PolicyDenialReason.AudienceMismatch)]
    [InlineData("""["github-sts","custom-aud"]""", PolicyDenialReason.None)]
    [InlineData("""["other"]""", PolicyDenialReason.AudienceNotForService)]
    public void A_policy_naming_an_audience_accepts_only_it_and_default_audiences_mean_403(string aud, PolicyDenialReason expected)
    {
        var service = new AudienceSet([ServiceIdentifier, "github-sts"]);
        var identity = TokenIdentity($$"""{"iss":"{{GitHubIssuer}}","sub":"{{MainSubject}}","aud":{{aud}}}""");

        Assert.Equal(expected, TrustPolicyEvaluator.Evaluate(Compile(Yaml("audience: custom-aud")), identity, service).Reason);
    }

    [Fact]
    public void Empty_audience_list_is_never_accepted()
    {
        var identity = GitHubIdentity();
        var empty = new ValidatedIdentity
        {
            Issuer = identity.Issuer,
            Subject = identity.Subject,
            Audiences = [],
            ExpiresAt = identity.ExpiresAt,
            TokenHash = identity.TokenHash,
            Claims = identity.Claims,
        };

        Assert.Equal(PolicyDenialReason.AudienceNotForService, TrustPolicyEvaluator.Evaluate(Compile(Yaml()), empty, ServiceIdentifier).Reason);
    }

    [Theory]
    [InlineData("\"prod\"", PolicyDenialReason.None)]
    [InlineData("\"staging\"", PolicyDenialReason.ClaimMismatch)]
    [InlineData("\"prod \"", PolicyDenialReason.ClaimMismatch)]
    [InlineData("\"prod\\n\"", PolicyDenialReason.ClaimMismatch)]
    [InlineData("1", PolicyDenialReason.ClaimNotString)]
    [InlineData("1.5", PolicyDenialReason.ClaimNotString)]
    [InlineData("[\"prod\"]", PolicyDenialReason.ClaimNotString)]
    [InlineData("{\"name\":\"prod\"}", PolicyDenialReason.ClaimNotString)]
    [InlineData("null", PolicyDenialReason.ClaimNotString)]
    public void Claim_values_must_be_strings_that_match(string value, PolicyDenialReason expected)
    {
        var decision = Evaluate(Yaml("claim_pattern: {environment: prod}"), GitHubIdentity(extraMembers: $"\"environment\":{value}"));

        Assert.Equal(expected, decision.Reason);
    }

    [Theory]
    [InlineData("true", "true", PolicyDenialReason.None)]
    [InlineData("false", "false", PolicyDenialReason.None)]
    [InlineData("false", "true", PolicyDenialReason.ClaimMismatch)]
    [InlineData("true", "True", PolicyDenialReason.ClaimMismatch)]
    public void Boolean_claims_are_compared_as_lowercase_text(string value, string pattern, PolicyDenialReason expected)
    {
        var decision = Evaluate(Yaml($"claim_pattern: {{email_verified: '{pattern}'}}"), GitHubIdentity(extraMembers: $"\"email_verified\":{value}"));

        Assert.Equal(expected, decision.Reason);
    }

    [Fact]
    public void Dotted_claim_names_reach_nested_objects()
    {
        var policy = Yaml("claim_pattern: {'kubernetes.io.namespace': prod}");

        Assert.True(Evaluate(policy, GitHubIdentity(extraMembers: """ "kubernetes.io":{"namespace":"prod"} """)).Allowed);
        Assert.Equal(
            PolicyDenialReason.ClaimMismatch,
            Evaluate(policy, GitHubIdentity(extraMembers: """ "kubernetes.io":{"namespace":"dev"} """)).Reason);
        Assert.Equal(
            PolicyDenialReason.ClaimNotString,
            Evaluate(policy, GitHubIdentity(extraMembers: """ "kubernetes.io":{"namespace":{"x":1}} """)).Reason);
    }

    [Fact]
    public void Claim_details_name_the_claim_but_not_the_pattern_or_value()
    {
        var decision = Evaluate(
            Yaml("claim_pattern: {environment: 'secret-pattern-[0-9]+'}"),
            GitHubIdentity(extraMembers: "\"environment\":\"actual-value\""));

        Assert.Equal(PolicyDenialReason.ClaimMismatch, decision.Reason);
        Assert.Contains("environment", decision.Detail, StringComparison.Ordinal);
        Assert.DoesNotContain("secret-pattern", decision.Detail, StringComparison.Ordinal);
        Assert.DoesNotContain("actual-value", decision.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Subject_and_issuer_details_leak_no_pattern()
    {
        var subjectDecision = Evaluate(
            "issuer: i\nsubject_pattern: 'repo:org/secret-[a-z]+'\npermissions: {contents: read}\n",
            TokenIdentity($$"""{"iss":"i","sub":"repo:org/x","aud":"{{ServiceIdentifier}}"}"""));
        var issuerDecision = Evaluate(
            "issuer_pattern: 'https://secret\\.example'\nsubject: s\npermissions: {contents: read}\n",
            TokenIdentity($$"""{"iss":"https://other","sub":"s","aud":"{{ServiceIdentifier}}"}"""));

        Assert.Equal(PolicyDenialReason.SubjectMismatch, subjectDecision.Reason);
        Assert.DoesNotContain("secret", subjectDecision.Detail, StringComparison.Ordinal);
        Assert.Equal(PolicyDenialReason.IssuerMismatch, issuerDecision.Reason);
        Assert.DoesNotContain("secret", issuerDecision.Detail, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("\"iat\":1000,\"exp\":4600", PolicyDenialReason.None)]
    [InlineData("\"iat\":1000,\"exp\":4601", PolicyDenialReason.LifetimeTooLong)]
    [InlineData("\"nbf\":1000,\"exp\":4600", PolicyDenialReason.None)]
    [InlineData("\"iat\":0,\"nbf\":1000,\"exp\":4600", PolicyDenialReason.None)]
    [InlineData("\"iat\":1000,\"nbf\":0,\"exp\":4600", PolicyDenialReason.LifetimeTooLong)]
    [InlineData("\"exp\":4600", PolicyDenialReason.LifetimeUnknown)]
    public void Lifetime_is_exp_minus_nbf_else_exp_minus_iat(string times, PolicyDenialReason expected)
    {
        var decision = Evaluate(Yaml("max_token_lifetime: 3600"), GitHubIdentity(extraMembers: times));

        Assert.Equal(expected, decision.Reason);
    }

    [Fact]
    public void Lifetime_is_not_checked_without_a_limit()
    {
        Assert.True(Evaluate(Yaml(), GitHubIdentity(extraMembers: "\"iat\":0,\"exp\":999999999")).Allowed);
    }

    [Fact]
    public void Compiled_policy_is_safe_to_share_between_threads()
    {
        var policy = Compile(Yaml("claim_pattern: {environment: 'prod|staging'}"));
        var good = GitHubIdentity(extraMembers: "\"environment\":\"prod\"");
        var bad = GitHubIdentity(extraMembers: "\"environment\":\"dev\"");

        Parallel.For(0, 2000, i =>
        {
            var expected = i % 2 == 0;
            var decision = TrustPolicyEvaluator.Evaluate(policy, expected ? good : bad, ServiceIdentifier);
            Assert.Equal(expected, decision.Allowed);
        });
    }

    [Fact]
    public void Arguments_are_required()
    {
        var policy = Compile(Yaml());

        Assert.Throws<ArgumentNullException>(() => TrustPolicyEvaluator.Evaluate(null!, GitHubIdentity(), ServiceIdentifier));
        Assert.Throws<ArgumentNullException>(() => TrustPolicyEvaluator.Evaluate(policy, null!, ServiceIdentifier));
        Assert.Throws<ArgumentException>(() => TrustPolicyEvaluator.Evaluate(policy, GitHubIdentity(), string.Empty));
    }

    private static PolicyDenialReason Reason(string yaml, string payload) => Evaluate(yaml, TokenIdentity(payload)).Reason;
}
