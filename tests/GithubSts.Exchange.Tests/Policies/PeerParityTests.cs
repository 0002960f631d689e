using GithubSts.Exchange.Policies;
using static GithubSts.Exchange.Tests.Policies.PolicyTestKit;

namespace GithubSts.Exchange.Tests.Policies;

/// <summary>
/// The policy cases of octo-sts <c>pkg/octosts/trust_policy_test.go</c> and sts-cat <c>src/trust_policy.rs</c>
/// (peers.md §6.1, §6.2, §6.5), re-expressed against this service. The first column names the peer test;
/// rows marked DEVIATION document where this service is deliberately stricter.
/// </summary>
public class PeerParityTests
{
    private const string Google = "https://accounts.google.com";
    private const string Aud = ServiceIdentifier;

    public static TheoryData<string, string, string, PolicyDenialReason> EvaluationCases() => new()
    {
        // octo-sts TestCheckToken
        { "octo-sts TestCheckToken: exact match", Policy(), Token(), PolicyDenialReason.None },
        { "octo-sts TestCheckToken: wrong issuer", Policy(), Token(iss: "https://accounts.example.com"), PolicyDenialReason.IssuerMismatch },
        { "octo-sts TestCheckToken: wrong subject", Policy(), Token(sub: "0987654321"), PolicyDenialReason.SubjectMismatch },
        { "octo-sts TestCheckToken: wrong audience", Policy(extra: "audience: octo-sts.dev"), Token(aud: "\"other.dev\""), PolicyDenialReason.AudienceNotForService },
        { "octo-sts TestCheckToken: audience match", Policy(extra: "audience: octo-sts.dev"), Token(aud: "\"octo-sts.dev\""), PolicyDenialReason.None },
        { "octo-sts TestCheckToken: default audience is the STS domain", Policy(), Token(aud: $"\"{Aud}\""), PolicyDenialReason.None },
        { "octo-sts TestCheckToken: default audience rejects a foreign audience", Policy(), Token(aud: "\"https://github.com/org\""), PolicyDenialReason.AudienceNotForService },
        { "octo-sts TestCheckToken: issuer pattern match", Policy(issuer: @"issuer_pattern: 'https://accounts\.google\.com'"), Token(), PolicyDenialReason.None },
        { "octo-sts TestCheckToken: issuer pattern mismatch", Policy(issuer: @"issuer_pattern: 'https://accounts\.google\.com'"), Token(iss: "https://accounts.google.com.evil"), PolicyDenialReason.IssuerMismatch },
        { "octo-sts TestCheckToken: subject pattern match", Policy(subject: "subject_pattern: '[0-9]+'"), Token(), PolicyDenialReason.None },
        { "octo-sts TestCheckToken: subject pattern mismatch", Policy(subject: "subject_pattern: '[0-9]+'"), Token(sub: "12ab"), PolicyDenialReason.SubjectMismatch },
        { "octo-sts TestCheckToken: custom claim match", Policy(extra: @"claim_pattern: {email: '[a-z]+@chainguard\.dev'}"), Token(extra: "\"email\":\"alice@chainguard.dev\""), PolicyDenialReason.None },
        { "octo-sts TestCheckToken: missing custom claim", Policy(extra: @"claim_pattern: {email: '[a-z]+@chainguard\.dev'}"), Token(), PolicyDenialReason.ClaimMissing },
        { "octo-sts TestCheckToken: mismatched claim", Policy(extra: @"claim_pattern: {email: '[a-z]+@chainguard\.dev'}"), Token(extra: "\"email\":\"alice@example.com\""), PolicyDenialReason.ClaimMismatch },
        { "octo-sts TestCheckToken: reject prefix (with ^$)", Policy(subject: "subject_pattern: '^(123|456)$'"), Token(sub: "123999"), PolicyDenialReason.SubjectMismatch },
        { "octo-sts TestCheckToken: reject prefix (without ^$)", Policy(subject: "subject_pattern: '(123|456)'"), Token(sub: "123999"), PolicyDenialReason.SubjectMismatch },
        { "octo-sts TestCheckToken: reject prefix, exact alternative still matches", Policy(subject: "subject_pattern: '(123|456)'"), Token(sub: "456"), PolicyDenialReason.None },
        { "octo-sts TestCheckToken: audience pattern over an audience list", Policy(extra: "audience_pattern: 'aud-[0-9]'"), Token(aud: "[\"aud-1\",\"aud-2\"]"), PolicyDenialReason.None },
        { "octo-sts TestCheckToken: audience pattern matches one of many", Policy(extra: @"audience_pattern: 'sts\.example\.com'"), Token(aud: $"[\"{Aud}\",\"other\"]"), PolicyDenialReason.None },
        { "octo-sts TestCheckToken: bool claims coerced", Policy(extra: "claim_pattern: {email_verified: 'true'}"), Token(extra: "\"email_verified\":true"), PolicyDenialReason.None },
        { "octo-sts TestCheckToken: bool false does not match true", Policy(extra: "claim_pattern: {email_verified: 'true'}"), Token(extra: "\"email_verified\":false"), PolicyDenialReason.ClaimMismatch },
        { "octo-sts TestCheckToken: multiple claims", Policy(extra: "claim_pattern: {email_verified: 'true', hd: chainguard\\.dev}"), Token(extra: "\"email_verified\":true,\"hd\":\"chainguard.dev\""), PolicyDenialReason.None },
        { "octo-sts TestCheckToken: one of multiple claims mismatching", Policy(extra: "claim_pattern: {email_verified: 'true', hd: chainguard\\.dev}"), Token(extra: "\"email_verified\":true,\"hd\":\"example.com\""), PolicyDenialReason.ClaimMismatch },
        { "octo-sts TestCheckToken: numeric claim rejected", Policy(extra: "claim_pattern: {run_number: '5'}"), Token(extra: "\"run_number\":5"), PolicyDenialReason.ClaimNotString },

        // sts-cat src/trust_policy.rs
        { "sts-cat test_parse_basic: exact policy allows", Policy(), Token(), PolicyDenialReason.None },
        { "sts-cat test_default_audience_match", Policy(), Token(aud: $"\"{Aud}\""), PolicyDenialReason.None },
        { "sts-cat test_default_audience_mismatch", Policy(), Token(aud: "\"sts.amazonaws.com\""), PolicyDenialReason.AudienceNotForService },
        { "sts-cat test_multi_aud", Policy(), Token(aud: $"[\"other\",\"{Aud}\"]"), PolicyDenialReason.None },
        { "sts-cat test_subject_exact", Policy(), Token(sub: "1234567890"), PolicyDenialReason.None },
        { "sts-cat test_subject_pattern", Policy(subject: "subject_pattern: 'repo:myorg/[a-z]+:ref:refs/heads/main'"), Token(sub: "repo:myorg/app:ref:refs/heads/main"), PolicyDenialReason.None },
        { "sts-cat test_bool_claim_coercion", Policy(extra: "claim_pattern: {email_verified: 'true'}"), Token(extra: "\"email_verified\":true"), PolicyDenialReason.None },
        { "sts-cat test_numeric_claim_rejected", Policy(extra: "claim_pattern: {repository_id: '123'}"), Token(extra: "\"repository_id\":123"), PolicyDenialReason.ClaimNotString },
        { "sts-cat test_pattern_alternation_fully_anchored: a-extra", Policy(subject: "subject_pattern: 'repo:myorg/a|repo:myorg/b'"), Token(sub: "repo:myorg/a-extra"), PolicyDenialReason.SubjectMismatch },
        { "sts-cat test_pattern_alternation_fully_anchored: prefix-b", Policy(subject: "subject_pattern: 'repo:myorg/a|repo:myorg/b'"), Token(sub: "prefix-repo:myorg/b"), PolicyDenialReason.SubjectMismatch },
        { "sts-cat test_pattern_alternation_fully_anchored: a", Policy(subject: "subject_pattern: 'repo:myorg/a|repo:myorg/b'"), Token(sub: "repo:myorg/a"), PolicyDenialReason.None },
        { "sts-cat test_pattern_alternation_fully_anchored: b", Policy(subject: "subject_pattern: 'repo:myorg/a|repo:myorg/b'"), Token(sub: "repo:myorg/b"), PolicyDenialReason.None },
        { "sts-cat test_max_token_lifetime_within", Policy(extra: "max_token_lifetime: 3600"), Token(extra: "\"iat\":1000,\"exp\":4000"), PolicyDenialReason.None },
        { "sts-cat test_max_token_lifetime_exceeded", Policy(extra: "max_token_lifetime: 3600"), Token(extra: "\"iat\":1000,\"exp\":4601"), PolicyDenialReason.LifetimeTooLong },
        { "sts-cat test_max_token_lifetime_prefers_nbf", Policy(extra: "max_token_lifetime: 3600"), Token(extra: "\"iat\":0,\"nbf\":1000,\"exp\":4600"), PolicyDenialReason.None },
        { "sts-cat test_max_token_lifetime_missing_iat_and_nbf", Policy(extra: "max_token_lifetime: 3600"), Token(extra: "\"exp\":4600"), PolicyDenialReason.LifetimeUnknown },
        { "sts-cat test_max_token_lifetime_not_set", Policy(), Token(extra: "\"iat\":0,\"exp\":999999999"), PolicyDenialReason.None },

        // sts-cat test_max_token_lifetime_missing_exp has no counterpart: a ValidatedIdentity always has exp.
    };

    public static TheoryData<string, string, PolicyScopeKind, PolicyErrorCode> CompileCases() => new()
    {
        { "octo-sts TestCompile: both issuer and issuer_pattern", "issuer: a\nissuer_pattern: a\nsubject: s\npermissions: {contents: read}", PolicyScopeKind.Repository, PolicyErrorCode.ConflictingFields },
        { "octo-sts TestCompile: both subject and subject_pattern", "issuer: a\nsubject: s\nsubject_pattern: s\npermissions: {contents: read}", PolicyScopeKind.Repository, PolicyErrorCode.ConflictingFields },
        { "octo-sts TestCompile: missing issuer", "subject: s\npermissions: {contents: read}", PolicyScopeKind.Repository, PolicyErrorCode.MissingField },
        { "octo-sts TestCompile: missing subject", "issuer: a\npermissions: {contents: read}", PolicyScopeKind.Repository, PolicyErrorCode.MissingField },
        { "octo-sts TestCompile: invalid issuer regex", "issuer_pattern: '('\nsubject: s\npermissions: {contents: read}", PolicyScopeKind.Repository, PolicyErrorCode.InvalidPattern },
        { "octo-sts TestCompile: invalid subject regex", "issuer: a\nsubject_pattern: '('\npermissions: {contents: read}", PolicyScopeKind.Repository, PolicyErrorCode.InvalidPattern },
        { "octo-sts TestCompile: invalid audience regex", "issuer: a\nsubject: s\naudience_pattern: '['\npermissions: {contents: read}", PolicyScopeKind.Repository, PolicyErrorCode.InvalidPattern },
        { "octo-sts TestCompile: invalid claim regex", "issuer: a\nsubject: s\nclaim_pattern: {email: '('}\npermissions: {contents: read}", PolicyScopeKind.Repository, PolicyErrorCode.InvalidPattern },
        { "octo-sts TestCompileRejectsPatternsThatEscapeTheAnchoringGroup", "issuer: a\nsubject_pattern: 'a)|(b'\npermissions: {contents: read}", PolicyScopeKind.Repository, PolicyErrorCode.InvalidPattern },
        { "octo-sts org_trusted_issuers: wildcard dot spans the host", "issuer_pattern: 'https://.*\\.example\\.com'\nsubject: s\npermissions: {contents: read}", PolicyScopeKind.Repository, PolicyErrorCode.InvalidPattern },
        { "sts-cat test_both_issuer_fields", "issuer: a\nissuer_pattern: a\nsubject: s\npermissions: {contents: read}", PolicyScopeKind.Repository, PolicyErrorCode.ConflictingFields },
        { "sts-cat test_neither_issuer_field", "subject: s\npermissions: {contents: read}", PolicyScopeKind.Repository, PolicyErrorCode.MissingField },
        { "sts-cat test_compile_rejects_repositories_on_repo_level", "issuer: a\nsubject: s\npermissions: {contents: read}\nrepositories: [other]", PolicyScopeKind.Repository, PolicyErrorCode.RepositoriesNotAllowed },
        { "depthmark TestValidate_InvalidPermissionName", "issuer: a\nsubject: s\npermissions: {contents_write: read}", PolicyScopeKind.Repository, PolicyErrorCode.UnknownPermission },
        { "depthmark TestValidate_InvalidPermissionLevel / octo-sts #932 'writ'", "issuer: a\nsubject: s\npermissions: {contents: writ}", PolicyScopeKind.Repository, PolicyErrorCode.InvalidPermissionLevel },
    };

    [Theory]
    [MemberData(nameof(EvaluationCases))]
    public void Evaluation_matches_the_peers(string peerTest, string policyYaml, string payload, PolicyDenialReason expected)
    {
        var decision = Evaluate(policyYaml, TokenIdentity(payload));

        Assert.True(expected == decision.Reason, $"{peerTest}: expected {expected}, got {decision.Reason} ({decision.Detail})");
    }

    [Theory]
    [MemberData(nameof(CompileCases))]
    public void Compilation_matches_the_peers(string peerTest, string policyYaml, PolicyScopeKind kind, PolicyErrorCode expected)
    {
        var errors = CompileErrors(policyYaml, kind);

        Assert.True(errors.Any(e => e.Code == expected), $"{peerTest}: expected {expected}, got {string.Join("; ", errors)}");
    }

    [Fact]
    public void Sts_cat_accepts_repositories_on_org_level()
    {
        var policy = Compile("issuer: a\nsubject: s\npermissions: {contents: read}\nrepositories: [app, docs]", PolicyScopeKind.Organization);

        Assert.Equal(["app", "docs"], policy.Repositories!);
    }

    private static string Policy(string issuer = $"issuer: {Google}", string subject = "subject: '1234567890'", string extra = "") =>
        $"{issuer}\n{subject}\npermissions:\n  contents: read\n{extra}\n";

    private static string Token(string iss = Google, string sub = "1234567890", string aud = $"\"{Aud}\"", string extra = "") =>
        $"{{\"iss\":{Json(iss)},\"sub\":{Json(sub)},\"aud\":{aud}{(extra.Length > 0 ? "," + extra : string.Empty)}}}";
}
