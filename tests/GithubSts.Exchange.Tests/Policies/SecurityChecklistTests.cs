using GithubSts.Exchange.Policies;
using static GithubSts.Exchange.Tests.Policies.PolicyTestKit;

namespace GithubSts.Exchange.Tests.Policies;

/// <summary>The policy-level rows of security.md §5.F and §5.H, named by their IDs.</summary>
public class SecurityChecklistTests
{
    private const string ExactSubjectPolicy = $"issuer: {GitHubIssuer}\nsubject: {MainSubject}\npermissions: {{contents: read}}\n";

    public static TheoryData<string> SubjectRules() =>
    [
        $"subject: {MainSubject}",
        $"subject_pattern: '{MainSubject}'",
        "subject_pattern: 'repo:org/repo:ref:refs/heads/[a-z]+'",
        "subject_pattern: 'repo:org/repo:ref:refs/heads/main|repo:org/other:ref:refs/heads/main'",
        "subject_pattern: '^repo:org/repo:ref:refs/heads/main$'",
    ];

    [Fact]
    public void F01_exact_subject_is_allowed_and_the_policy_permissions_are_exact()
    {
        var policy = Compile(ExactSubjectPolicy);

        Assert.True(TrustPolicyEvaluator.Evaluate(policy, GitHubIdentity(), ServiceIdentifier).Allowed);
        Assert.Equal(new Dictionary<string, string>(StringComparer.Ordinal) { ["contents"] = "read" }, policy.Permissions);
    }

    [Theory]
    [MemberData(nameof(SubjectRules))]
    public void F02_trailing_or_leading_newline_never_matches(string subjectRule)
    {
        var policy = $"issuer: {GitHubIssuer}\n{subjectRule}\npermissions: {{contents: read}}\n";

        Assert.True(Evaluate(policy, GitHubIdentity()).Allowed);
        Assert.Equal(PolicyDenialReason.SubjectMismatch, Evaluate(policy, GitHubIdentity(MainSubject + "\n")).Reason);
        Assert.Equal(PolicyDenialReason.SubjectMismatch, Evaluate(policy, GitHubIdentity(MainSubject + "\r\n")).Reason);
        Assert.Equal(PolicyDenialReason.SubjectMismatch, Evaluate(policy, GitHubIdentity("\n" + MainSubject)).Reason);
        Assert.Equal(PolicyDenialReason.SubjectMismatch, Evaluate(policy, GitHubIdentity(MainSubject + "\nrepo:org/evil")).Reason);
    }

    [Theory]
    [InlineData(MainSubject + "\0")]
    [InlineData(MainSubject + "\r")]
    [InlineData(MainSubject + "\t")]
    [InlineData(MainSubject + " ")]
    [InlineData(MainSubject + "\"")]
    [InlineData("<" + MainSubject)]
    [InlineData("")]
    public void F03_control_and_quote_variants_do_not_match_an_exact_subject(string subject)
    {
        Assert.Equal(PolicyDenialReason.SubjectMismatch, Evaluate(ExactSubjectPolicy, GitHubIdentity(subject)).Reason);
    }

    [Fact]
    public void F03_over_long_subject_does_not_match()
    {
        Assert.Equal(PolicyDenialReason.SubjectMismatch, Evaluate(ExactSubjectPolicy, GitHubIdentity(MainSubject + new string('a', 300))).Reason);
    }

    [Theory]
    [InlineData("repo:org/repo-evil")]
    [InlineData("xrepo:org/repo")]
    public void F04_pattern_is_not_a_substring_search(string subject)
    {
        var policy = $"issuer: {GitHubIssuer}\nsubject_pattern: 'repo:org/repo'\npermissions: {{contents: read}}\n";

        Assert.Equal(PolicyDenialReason.SubjectMismatch, Evaluate(policy, GitHubIdentity(subject)).Reason);
    }

    [Theory]
    [InlineData("repo:org/a", true)]
    [InlineData("repo:org/b", true)]
    [InlineData("repo:org/a-evil", false)]
    [InlineData("evil-repo:org/b", false)]
    public void F05_alternation_is_fully_anchored(string subject, bool allowed)
    {
        var policy = $"issuer: {GitHubIssuer}\nsubject_pattern: 'repo:org/a|repo:org/b'\npermissions: {{contents: read}}\n";

        Assert.Equal(allowed, Evaluate(policy, GitHubIdentity(subject)).Allowed);
    }

    [Fact]
    public void F06_pattern_escaping_the_anchor_group_is_rejected()
    {
        var error = Assert.Single(CompileErrors($"issuer: {GitHubIssuer}\nsubject_pattern: 'x)|(.*'\npermissions: {{contents: read}}\n"));

        Assert.Equal(PolicyErrorCode.InvalidPattern, error.Code);
    }

    [Fact]
    public void F07_redos_shape_is_denied_and_does_not_starve_the_thread_pool()
    {
        var policy = Compile($"issuer: {GitHubIssuer}\nsubject_pattern: '(a+)+$'\npermissions: {{contents: read}}\n");
        var evil = GitHubIdentity(new string('a', 40) + "!");

        var decisions = new PolicyDecision[100];
        Parallel.For(0, decisions.Length, i => decisions[i] = TrustPolicyEvaluator.Evaluate(policy, evil, ServiceIdentifier));

        Assert.All(decisions, d => Assert.Equal(PolicyDenialReason.SubjectMismatch, d.Reason));
    }

    [Theory]
    [InlineData(@"(a)\1")]
    [InlineData("(?=a)a")]
    [InlineData("(?<=a)a")]
    [InlineData("(?>a)")]
    [InlineData("a{1,100000}")]
    public void F08_unsupported_constructs_are_rejected(string pattern)
    {
        Assert.Equal(PolicyErrorCode.InvalidPattern, PatternError(pattern).Code);
    }

    [Fact]
    public void F08_patterns_longer_than_256_are_rejected()
    {
        Assert.Equal(PolicyErrorCode.InvalidPattern, PatternError("repo:" + new string('a', 252)).Code);
    }

    [Fact]
    public void F09_unicode_digit_class_is_rejected_and_ascii_class_denies_arabic_indic_digits()
    {
        Assert.Equal(PolicyErrorCode.InvalidPattern, PatternError(@"repo:org/\d+").Code);

        var policy = $"issuer: {GitHubIssuer}\nsubject_pattern: 'repo:org/[0-9]+'\npermissions: {{contents: read}}\n";
        Assert.Equal(PolicyDenialReason.SubjectMismatch, Evaluate(policy, GitHubIdentity("repo:org/١٢٣")).Reason);
        Assert.True(Evaluate(policy, GitHubIdentity("repo:org/123")).Allowed);
    }

    [Fact]
    public void F10_inline_case_folding_is_rejected_and_kelvin_sign_never_matches_k()
    {
        Assert.Equal(PolicyErrorCode.InvalidPattern, PatternError("(?i)repo:org/x").Code);

        var exact = $"issuer: {GitHubIssuer}\nsubject: repo:org/k\npermissions: {{contents: read}}\n";
        var classPolicy = $"issuer: {GitHubIssuer}\nsubject_pattern: 'repo:org/[Kk]'\npermissions: {{contents: read}}\n";
        Assert.Equal(PolicyDenialReason.SubjectMismatch, Evaluate(exact, GitHubIdentity("repo:org/\u212A")).Reason);
        Assert.Equal(PolicyDenialReason.SubjectMismatch, Evaluate(exact, GitHubIdentity("REPO:ORG/K")).Reason);
        Assert.Equal(PolicyDenialReason.SubjectMismatch, Evaluate(classPolicy, GitHubIdentity("repo:org/\u212A")).Reason);
    }

    [Theory]
    [InlineData("subject: café")]
    [InlineData("subject_pattern: 'café'")]
    public void F11_nfc_policy_does_not_match_nfd_subject(string rule)
    {
        var policy = $"issuer: {GitHubIssuer}\n{rule}\npermissions: {{contents: read}}\n";

        Assert.True(Evaluate(policy, GitHubIdentity("caf\u00e9")).Allowed);
        Assert.Equal(PolicyDenialReason.SubjectMismatch, Evaluate(policy, GitHubIdentity("cafe\u0301")).Reason);
    }

    [Theory]
    [InlineData("subject: repo:org/repo", "repo:org/re\u200Bpo")]
    [InlineData("subject: repo:org/repo", "repo:org/repo\u0000")]
    [InlineData("subject: repo:org/repo", "repo:org/re\u00ADpo")]
    [InlineData("subject_pattern: 'repo:org/repo:.*'", "repo:org/re\u200Bpo:ref:refs/heads/main")]
    [InlineData("subject_pattern: 'repo:.*/repo'", "repo:org/repo\u0000")]
    public void F12_invisible_characters_do_not_match(string rule, string subject)
    {
        var policy = $"issuer: {GitHubIssuer}\n{rule}\npermissions: {{contents: read}}\n";

        Assert.Equal(PolicyDenialReason.SubjectMismatch, Evaluate(policy, GitHubIdentity(subject)).Reason);
    }

    [Theory]
    [InlineData("prod")]
    [InlineData(".*")]
    public void F13_F14_missing_claim_is_denied_even_for_match_anything(string pattern)
    {
        Assert.Equal(PolicyDenialReason.ClaimMissing, Evaluate(Yaml($"claim_pattern: {{environment: '{pattern}'}}"), GitHubIdentity()).Reason);
    }

    [Theory]
    [InlineData("1")]
    [InlineData("[\"1\"]")]
    [InlineData("{\"a\":\"1\"}")]
    [InlineData("null")]
    public void F15_non_string_claims_are_denied(string value)
    {
        var decision = Evaluate(Yaml("claim_pattern: {run_attempt: '.*'}"), GitHubIdentity(extraMembers: $"\"run_attempt\":{value}"));

        Assert.Equal(PolicyDenialReason.ClaimNotString, decision.Reason);
    }

    [Fact]
    public void F16_boolean_claim_is_compared_as_true_or_false()
    {
        var policy = Yaml("claim_pattern: {email_verified: 'true'}");

        Assert.True(Evaluate(policy, GitHubIdentity(extraMembers: "\"email_verified\":true")).Allowed);
        Assert.Equal(PolicyDenialReason.ClaimMismatch, Evaluate(policy, GitHubIdentity(extraMembers: "\"email_verified\":false")).Reason);
    }

    [Fact]
    public void F17_policy_without_a_subject_rule_is_invalid()
    {
        var error = Assert.Single(CompileErrors($"issuer: {GitHubIssuer}\npermissions: {{contents: read}}\n"));

        Assert.Equal(PolicyErrorCode.MissingField, error.Code);
        Assert.Equal("subject", error.Field);
    }

    [Fact]
    public void F18_both_forms_of_subject_or_issuer_are_invalid()
    {
        var errors = CompileErrors("issuer: a\nissuer_pattern: a\nsubject: s\nsubject_pattern: s\npermissions: {contents: read}\n");

        Assert.Equal([PolicyErrorCode.ConflictingFields, PolicyErrorCode.ConflictingFields], errors.Select(e => e.Code));
    }

    [Fact]
    public void F19_misspelled_key_is_a_parse_error()
    {
        var error = Assert.Throws<PolicyFormatException>(() => TrustPolicyYaml.Parse($"issuer: {GitHubIssuer}\nsubjet: {MainSubject}\n")).Error;

        Assert.Equal(PolicyErrorCode.UnknownField, error.Code);
        Assert.Equal("subjet", error.Field);
    }

    [Theory]
    [InlineData(".*")]
    [InlineData(".+")]
    [InlineData("(.*)")]
    [InlineData("(?:.*)")]
    [InlineData("[^\\n]*")]
    [InlineData(".*|x")]
    [InlineData("[\\x00-\\uffff]*")]
    public void F20_subject_pattern_matching_anything_is_rejected(string pattern)
    {
        var error = Assert.Single(CompileErrors($"issuer: {GitHubIssuer}\nsubject_pattern: '{pattern}'\npermissions: {{contents: read}}\n"));

        Assert.Equal(PolicyErrorCode.OverlyBroadPattern, error.Code);
        Assert.Equal("subject_pattern", error.Field);
    }

    [Theory]
    [InlineData("repo:org/.*")]
    [InlineData("repo:org/[^:]+:ref:refs/heads/main")]
    [InlineData("system:serviceaccount:prod:.*")]
    [InlineData(".*@corp\\.example")]
    public void F20_scoped_wildcards_pass_the_lint(string pattern)
    {
        Compile($"issuer: {GitHubIssuer}\nsubject_pattern: '{pattern}'\npermissions: {{contents: read}}\n");
    }

    [Theory]
    [InlineData(@"https://.*\.example\.com")]
    [InlineData(@"https://[^.]+\.example\.com")]
    [InlineData(@"https://\S+\.example\.com")]
    public void F21_issuer_pattern_that_can_span_the_host_is_rejected(string pattern)
    {
        var error = Assert.Single(CompileErrors($"issuer_pattern: '{pattern}'\nsubject: s\npermissions: {{contents: read}}\n"));

        Assert.Equal(PolicyErrorCode.InvalidPattern, error.Code);
        Assert.Equal("issuer_pattern", error.Field);
    }

    [Fact]
    public void F21_host_confined_issuer_pattern_denies_a_foreign_host()
    {
        var policy = "issuer_pattern: 'https://[^/]+\\.example\\.com'\nsubject: s\npermissions: {contents: read}\n";

        Assert.True(Evaluate(policy, TokenIdentity($$"""{"iss":"https://a.example.com","sub":"s","aud":"{{ServiceIdentifier}}"}""")).Allowed);
        Assert.Equal(
            PolicyDenialReason.IssuerMismatch,
            Evaluate(policy, TokenIdentity($$"""{"iss":"https://evil.com/x.example.com","sub":"s","aud":"{{ServiceIdentifier}}"}""")).Reason);
    }

    [Theory]
    [InlineData("""["sts.example.com","https://evil"]""", PolicyDenialReason.None)]
    [InlineData("""["https://evil","sts.example.com"]""", PolicyDenialReason.None)]
    [InlineData("""["sts.example.com"]""", PolicyDenialReason.None)]
    [InlineData("""["https://evil","sts.example.com.evil"]""", PolicyDenialReason.AudienceNotForService)]
    public void F28_multi_audience_token_needs_one_accepted_audience(string aud, PolicyDenialReason expected)
    {
        // Issue 11 §1 (RFC 7519 §4.1.3, octo-sts, sts-cat): one matching element is enough; the other audiences are
        // further relying parties the issuer meant the token for, and the anchored pattern still refuses look-alikes.
        var policy = Yaml("audience_pattern: 'sts\\.example\\.com'");
        var identity = TokenIdentity($$"""{"iss":"{{GitHubIssuer}}","sub":"{{MainSubject}}","aud":{{aud}}}""");

        Assert.Equal(expected, Evaluate(policy, identity).Reason);
    }

    [Theory]
    [InlineData("admin: write")]
    [InlineData("contents_write: read")]
    public void H04_unknown_permission_key_is_invalid(string permission)
    {
        Assert.Equal(PolicyErrorCode.UnknownPermission, Assert.Single(CompileErrors($"issuer: i\nsubject: s\npermissions:\n  {permission}\n")).Code);
    }

    [Theory]
    [InlineData("admin")]
    [InlineData("execute")]
    public void H05_invalid_permission_level_is_invalid(string level)
    {
        Assert.Equal(
            PolicyErrorCode.InvalidPermissionLevel,
            Assert.Single(CompileErrors($"issuer: i\nsubject: s\npermissions:\n  contents: {level}\n")).Code);
    }

    [Theory]
    [InlineData("issuer: i\nsubject: s\npermissions: {}\n")]
    [InlineData("issuer: i\nsubject: s\n")]
    public void H06_empty_or_missing_permissions_are_invalid(string yaml)
    {
        Assert.Equal(PolicyErrorCode.MissingPermissions, Assert.Single(CompileErrors(yaml)).Code);
    }

    [Fact]
    public void H08_repository_level_policy_with_repositories_is_invalid()
    {
        Assert.Equal(
            PolicyErrorCode.RepositoriesNotAllowed,
            Assert.Single(CompileErrors(Yaml("repositories: [other]"))).Code);
    }

    [Theory]
    [InlineData("'../x'")]
    [InlineData("other-org/r")]
    [InlineData("''")]
    public void H10_org_policy_with_bad_repository_entries_is_invalid(string entry)
    {
        var error = Assert.Single(CompileErrors(Yaml($"repositories: [ok, {entry}]"), PolicyScopeKind.Organization));

        Assert.Equal(PolicyErrorCode.InvalidRepository, error.Code);
    }

    [Fact]
    public void H10_org_policy_with_501_repositories_is_invalid()
    {
        var list = string.Join(", ", Enumerable.Range(0, 501).Select(i => $"r{i}"));

        var error = Assert.Single(CompileErrors(Yaml($"repositories: [{list}]"), PolicyScopeKind.Organization));

        Assert.Equal(PolicyErrorCode.InvalidRepository, error.Code);
        Assert.Equal("repositories", error.Field);
    }
}
