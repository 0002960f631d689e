using GithubSts.IntegrationTests.Infrastructure;
using GithubSts.Testing.GitHub;

namespace GithubSts.IntegrationTests;

/// <summary>security.md §5.F-§5.H through the HTTP API: policy semantics, paths and permissions.</summary>
public sealed class PolicySecurityTests(StsHostFixture fixture) : IClassFixture<StsHostFixture>
{
    private const string Subject = "repo:octo-org/octo-repo:ref:refs/heads/main";
    private readonly StsTestHost _host = fixture.Host.StartTest();

    [Fact]
    public async Task F05_alternation_is_fully_anchored()
    {
        _host.SetPolicy("f05", StsTestHost.Policy(extra: "").Replace($"subject: {Subject}", "subject_pattern: repo:octo-org/a|repo:octo-org/b", StringComparison.Ordinal));
        foreach (var subject in new[] { "repo:octo-org/a-evil", "evil-repo:octo-org/b", "repo:octo-org/a\n" })
        {
            using var denied = await _host.ExchangeAsync(_host.Issuer.CreateToken(t => t.Subject = subject), identity: "f05");
            Assert.True((int)denied.StatusCode is 401 or 403);
        }

        _host.AssertNothingIssued();
        foreach (var subject in new[] { "repo:octo-org/a", "repo:octo-org/b" })
        {
            using var allowed = await _host.ExchangeAsync(_host.Issuer.CreateToken(t => t.Subject = subject), identity: "f05");
            await allowed.AssertSuccessAsync();
        }
    }

    [Theory]
    [InlineData("f13", "environment: prod", null)]
    [InlineData("f14", "environment: \".*\"", null)]
    [InlineData("f15", "run_attempt: \"1\"", "number")]
    [InlineData("f16", "email_verified: \"true\"", "false")]
    public async Task F13_to_F16_claim_patterns_deny_missing_and_non_string_claims(string identity, string claimPattern, string? claimValue)
    {
        _host.SetPolicy(identity, StsTestHost.Policy(extra: "claim_pattern:\n  " + claimPattern));
        var token = _host.Issuer.CreateToken(t =>
        {
            if (claimValue == "number")
            {
                t.Claims["run_attempt"] = 1;
            }
            else if (claimValue == "false")
            {
                t.Claims["email_verified"] = false;
            }
        });

        using var response = await _host.ExchangeAsync(token, identity: identity);

        await response.AssertErrorAsync(403, "access_denied");
        _host.AssertNothingIssued();
    }

    [Fact]
    public async Task F16_boolean_claims_compare_as_true_or_false()
    {
        _host.SetPolicy("f16-ok", StsTestHost.Policy(extra: "claim_pattern:\n  email_verified: \"true\""));
        using var response = await _host.ExchangeAsync(_host.Issuer.CreateToken(t => t.Claims["email_verified"] = true), identity: "f16-ok");
        await response.AssertSuccessAsync();
    }

    [Theory]
    [InlineData("f06", "subject_pattern: x)|(.*")]
    [InlineData("f08", "subject_pattern: (a)\\1")]
    [InlineData("f09", "subject_pattern: repo:octo-org/\\d+")]
    [InlineData("f10", "subject_pattern: (?i)repo:octo-org/octo-repo:ref:refs/heads/main")]
    [InlineData("f17", "")]
    [InlineData("f18", "subject_pattern: repo:.*")]
    [InlineData("f19", "subjet: x")]
    [InlineData("f20", "subject_pattern: .*")]
    public async Task F06_to_F20_invalid_policies_are_never_applied(string identity, string subjectLine)
    {
        var yaml = StsTestHost.Policy().Replace($"subject: {Subject}", subjectLine, StringComparison.Ordinal);
        if (identity == "f18")
        {
            yaml = StsTestHost.Policy(extra: subjectLine);
        }

        _host.SetPolicy(identity, yaml);
        using var response = await _host.ExchangeAsync(_host.Issuer.CreateToken(), identity: identity);
        await response.AssertErrorAsync(403, "access_denied");
        _host.AssertNothingIssued();
    }

    [Fact]
    public async Task J01_a_mismatch_leaks_neither_the_pattern_nor_the_policy_path()
    {
        _host.SetPolicy("j01", StsTestHost.Policy(extra: "claim_pattern:\n  job_workflow_ref: octo-org/secret-workflow-name\\.yaml@refs/heads/main"));
        using var response = await _host.ExchangeAsync(_host.Issuer.CreateToken(t => t.Claims["job_workflow_ref"] = "nope"), identity: "j01");
        var body = (await response.AssertErrorAsync(403, "access_denied")).ToString();
        Assert.DoesNotContain("secret-workflow-name", body, StringComparison.Ordinal);
        Assert.DoesNotContain(".github", body, StringComparison.Ordinal);
        Assert.DoesNotContain(Subject, body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task G09_missing_policy_mismatch_and_uninstalled_org_look_identical()
    {
        _host.SetPolicy("g09", StsTestHost.Policy().Replace(Subject, "repo:octo-org/other:ref:refs/heads/main", StringComparison.Ordinal));
        using var mismatch = await _host.ExchangeAsync(_host.Issuer.CreateToken(), identity: "g09");
        using var missing = await _host.ExchangeAsync(_host.Issuer.CreateToken(), identity: "g09-missing");
        using var notInstalled = await _host.ExchangeAsync(_host.Issuer.CreateToken(), scope: "not-installed-org/repo", identity: "g09");
        using var unknownRepo = await _host.ExchangeAsync(_host.Issuer.CreateToken(), scope: "octo-org/no-such-repo", identity: "g09");

        var bodies = new List<string>();
        foreach (var response in new[] { mismatch, missing, notInstalled, unknownRepo })
        {
            var body = await response.AssertErrorAsync(403, "access_denied");
            bodies.Add(body.GetProperty("error_description").GetString()!);
        }

        Assert.Single(bodies.Distinct(StringComparer.Ordinal));
        _host.AssertNothingIssued();
    }

    [Theory]
    [InlineData("octo-org/octo-repo", "../x")]
    [InlineData("octo-org/octo-repo", "x?ref=refs/pull/1/head&y=")]
    [InlineData("octo-org/octo-repo", "%2e%2e")]
    [InlineData("octo-org/..", "ci")]
    [InlineData("octo-org/octo-repo/../../other", "ci")]
    [InlineData("octo-org/octo-repo.git", "ci")]
    public async Task G01_to_G05_hostile_scopes_and_identities_make_no_github_call(string scope, string identity)
    {
        var requests = _host.GitHub.RequestCount;
        using var response = await _host.ExchangeAsync(_host.Issuer.CreateToken(), scope: scope, identity: identity);
        Assert.Equal(400, (int)response.StatusCode);
        Assert.Equal(requests, _host.GitHub.RequestCount);
    }

    [Fact]
    public async Task G06_owner_and_repository_case_share_one_policy()
    {
        _host.SetPolicy("g06", StsTestHost.Policy());
        using var lower = await _host.ExchangeAsync(_host.Issuer.CreateToken(), scope: "octo-org/octo-repo", identity: "g06");
        await lower.AssertSuccessAsync();
        var reads = _host.GitHub.ContentReads.Count;
        using var upper = await _host.ExchangeAsync(_host.Issuer.CreateToken(), scope: "Octo-Org/Octo-Repo", identity: "g06");
        await upper.AssertSuccessAsync();
        Assert.Equal(reads, _host.GitHub.ContentReads.Count);
    }

    [Fact]
    public async Task G07_policies_are_read_from_the_default_branch_only()
    {
        _host.SetPolicy("g07", StsTestHost.Policy(), branch: "feature");
        using var response = await _host.ExchangeAsync(_host.Issuer.CreateToken(), identity: "g07");
        await response.AssertErrorAsync(403, "access_denied");
        Assert.All(_host.GitHub.ContentReads, read => Assert.Equal(string.Empty, read.Query));
    }

    [Fact]
    public async Task K01_the_policy_is_read_with_a_revoked_contents_read_token_for_that_repository_only()
    {
        _host.SetPolicy("k01", StsTestHost.Policy());
        var mints = _host.GitHub.Mints.Count;
        using var response = await _host.ExchangeAsync(_host.Issuer.CreateToken(), identity: "k01");
        await response.AssertSuccessAsync();

        var policyRead = _host.GitHub.Mints.Skip(mints).First();
        Assert.Equal("""{"permissions":{"contents":"read"},"repositories":["octo-repo"]}""", ExchangeApiShapeTests.Canonical(policyRead.RequestJson));
        Assert.True(_host.GitHub.IsRevoked(policyRead.Token));
    }

    [Fact]
    public async Task Org_scope_reads_the_org_policy_repo_and_grants_its_repositories()
    {
        _host.SetPolicy("org-list", StsTestHost.Policy(extra: "repositories: [octo-repo, other-repo]"), repository: ".github");
        _host.SetPolicy("org-all", StsTestHost.Policy(extra: "repositories: ['*', .github]"), repository: ".github");

        using var listed = await _host.ExchangeAsync(_host.Issuer.CreateToken(), scope: "octo-org", identity: "org-list");
        await listed.AssertSuccessAsync();
        using var all = await _host.ExchangeAsync(_host.Issuer.CreateToken(), scope: "octo-org", identity: "org-all");
        Assert.Equal("all", (await all.AssertSuccessAsync()).GetProperty("repository_selection").GetString());

        var issued = _host.IssuedMints();
        Assert.Equal(["octo-repo", "other-repo"], issued[0].RequestedRepositories);
        Assert.Null(issued[1].RequestedRepositories);
    }

    [Fact]
    public async Task H01_the_mint_carries_exactly_the_policy_permissions_and_the_one_repository()
    {
        _host.SetPolicy("h01", StsTestHost.Policy("contents: read\n  issues: write"));
        using var response = await _host.ExchangeAsync(_host.Issuer.CreateToken(), identity: "h01");
        await response.AssertSuccessAsync();
        var mint = Assert.Single(_host.IssuedMints());
        Assert.Equal("""{"permissions":{"contents":"read","issues":"write"},"repositories":["octo-repo"]}""", ExchangeApiShapeTests.Canonical(mint.RequestJson));
    }

    [Theory]
    [InlineData("h04", "admin: write")]
    [InlineData("h05", "contents: execute")]
    [InlineData("h05b", "pull-requests: write")]
    public async Task H04_H05_unknown_permissions_and_levels_make_the_policy_invalid(string identity, string permissions)
    {
        _host.SetPolicy(identity, StsTestHost.Policy(permissions));
        using var response = await _host.ExchangeAsync(_host.Issuer.CreateToken(), identity: identity);
        await response.AssertErrorAsync(403, "access_denied");
        _host.AssertNothingIssued();
    }

    [Fact]
    public async Task H07_a_permission_the_installation_lacks_is_403_without_the_upstream_body()
    {
        _host.SetPolicy("h07", StsTestHost.Policy("administration: write"));
        using var response = await _host.ExchangeAsync(_host.Issuer.CreateToken(), identity: "h07");
        await response.AssertErrorAsync(403, "access_denied");
        _host.AssertNothingIssued();
    }

    [Fact]
    public async Task H08_repositories_in_a_repository_policy_make_it_invalid()
    {
        _host.SetPolicy("h08", StsTestHost.Policy(extra: "repositories: [other-repo]"));
        using var response = await _host.ExchangeAsync(_host.Issuer.CreateToken(), identity: "h08");
        await response.AssertErrorAsync(403, "access_denied");
        _host.AssertNothingIssued();
    }

    [Fact]
    public async Task H11_a_broader_grant_than_requested_is_revoked_and_not_returned()
    {
        _host.SetPolicy("h11", StsTestHost.Policy());
        using (var warm = await _host.ExchangeAsync(_host.Issuer.CreateToken(), identity: "h11"))
        {
            await warm.AssertSuccessAsync();
        }

        _host.StartTest();
        _host.GitHub.MintTampering = new MintTampering { ExtraPermissions = new Dictionary<string, string> { ["administration"] = "write" } };
        try
        {
            using var response = await _host.ExchangeAsync(_host.Issuer.CreateToken(), identity: "h11");
            Assert.True((int)response.StatusCode is 502 or 503);
            _host.AssertNothingIssued();
        }
        finally
        {
            _host.GitHub.MintTampering = null;
        }
    }

    [Fact]
    public async Task A_repository_policy_audience_outside_policies_repositoryAudiences_is_invalid()
    {
        // The positive case (the audience listed in policies.repositoryAudiences) is in RepositoryPolicyAmplificationTests.
        _host.SetPolicy("custom-aud", StsTestHost.Policy(extra: "audience: octo-sts.dev"));
        using var ours = await _host.ExchangeAsync(_host.Issuer.CreateToken(), identity: "custom-aud");
        await ours.AssertErrorAsync(403, "access_denied");
        var requests = _host.GitHub.RequestCount;
        using var theirs = await _host.ExchangeAsync(_host.Issuer.CreateToken(t => t.Audience = "octo-sts.dev"), identity: "custom-aud");
        await theirs.AssertErrorAsync(401, "invalid_token");
        Assert.Equal(requests, _host.GitHub.RequestCount);
        using var foreign = await _host.ExchangeAsync(_host.Issuer.CreateToken(t => t.Audience = "sts.amazonaws.com"), identity: "custom-aud");
        await foreign.AssertErrorAsync(401, "invalid_token");
    }
}
