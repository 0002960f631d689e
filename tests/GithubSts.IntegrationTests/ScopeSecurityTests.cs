using GithubSts.Exchange.Policies;
using GithubSts.IntegrationTests.Infrastructure;

namespace GithubSts.IntegrationTests;

/// <summary>
/// Issue 9 items 2, 5.2 and 7.4 over HTTP against the real service and the GitHub simulator: permissions that act beyond
/// the policy's scope, GitHub Actions subjects that trust every repository, and organization policies that would
/// silently cover the org policy repository.
/// </summary>
public sealed class ScopeSecurityTests(ScopeSecurityTests.WideInstallationFixture fixture) : IClassFixture<ScopeSecurityTests.WideInstallationFixture>
{
    /// <summary>An installation granted every permission GitHub knows, so only the service's own checks can refuse a grant.</summary>
    private const string Org = "wide-org";

    /// <summary>Matches the test issuer and the GitHub Actions issuer, so the Actions subject rule applies.</summary>
    internal const string ActionsLikeIssuer = @"issuer_pattern: https?://(127\.0\.0\.1:[0-9]+|token\.actions\.githubusercontent\.com)";

    private readonly StsTestHost _host = fixture.Host.StartTest();

    [Theory]
    [InlineData("rs-admin", "organization_administration: write")]
    [InlineData("rs-members", "members: write")]
    [InlineData("rs-secrets", "organization_secrets: read")]
    [InlineData("rs-hooks", "organization_hooks: write")]
    [InlineData("rs-runners", "organization_self_hosted_runners: write")]
    [InlineData("rs-roles", "organization_custom_roles: write")]
    [InlineData("rs-plan", "organization_plan: read")]
    [InlineData("rs-blocking", "organization_user_blocking: write")]
    [InlineData("rs-events", "organization_events: read")]
    [InlineData("rs-projects", "organization_projects: admin")]
    [InlineData("rs-teams", "team_discussions: write")]
    [InlineData("rs-email", "email_addresses: read")]
    [InlineData("rs-gpg", "gpg_keys: write")]
    [InlineData("rs-enterprise", "enterprise_custom_properties_for_organizations: read")]
    public async Task A_repository_policy_file_cannot_grant_permissions_beyond_its_repository(string identity, string permission)
    {
        SetPolicy(identity, StsTestHost.Policy($"contents: read\n  {permission}"));

        using var response = await _host.ExchangeAsync(_host.Issuer.CreateToken(), scope: Org + "/octo-repo", identity: identity);

        await response.AssertErrorAsync(403, "access_denied");
        _host.AssertNothingIssued();
    }

    [Theory]
    [InlineData("os-members", "members: read")]
    [InlineData("os-admin", "organization_administration: read")]
    [InlineData("os-secrets", "organization_secrets: write")]
    public async Task An_organization_policy_needs_the_apps_opt_in_for_organization_permissions(string identity, string permission)
    {
        SetPolicy(identity, StsTestHost.Policy($"contents: read\n  {permission}", extra: "repositories: [octo-repo]"), repository: ".github");

        using var response = await _host.ExchangeAsync(_host.Issuer.CreateToken(), scope: Org, identity: identity);

        await response.AssertErrorAsync(403, "access_denied");
        _host.AssertNothingIssued();
    }

    [Theory]
    [InlineData("as-1", "subject_pattern: repo:.*")]
    [InlineData("as-2", "subject_pattern: repo:[^@]*")]
    [InlineData("as-3", "subject_pattern: '[^@]*'")]
    [InlineData("as-4", "subject_pattern: repo:.+:.*")]
    [InlineData("as-5", "subject_pattern: repo:[a-z-]+/.*")]
    [InlineData("as-6", "subject_pattern: repo:[^/]+/octo-repo:ref:refs/heads/main")]
    [InlineData("as-7", "subject_pattern: repo:wide-org.*")]
    [InlineData("as-8", "subject_pattern: repo:wide-org/.*")]
    [InlineData("as-9", "subject_pattern: repo:.*\nclaim_pattern:\n  job_workflow_ref: wide-org/octo-repo/.*")]
    public async Task An_actions_policy_that_trusts_other_repositories_is_never_applied(string identity, string subjectRule)
    {
        SetPolicy(identity, ActionsPolicy(subjectRule));

        // Both the policy's own repository and a stranger's workflow are refused: the policy is invalid, not just narrow.
        foreach (var subject in new[] { "repo:wide-org/octo-repo:ref:refs/heads/main", "repo:attacker/octo-repo:ref:refs/heads/main" })
        {
            using var response = await _host.ExchangeAsync(
                _host.Issuer.CreateToken(t =>
                {
                    t.Subject = subject;
                    t.Claims["job_workflow_ref"] = "wide-org/octo-repo/.github/workflows/x.yaml@refs/heads/main";
                }),
                scope: Org + "/octo-repo",
                identity: identity);
            await response.AssertErrorAsync(403, "access_denied");
        }

        _host.AssertNothingIssued();
    }

    [Fact]
    public async Task An_explicit_opt_in_or_a_repository_claim_lets_a_broad_actions_subject_through()
    {
        SetPolicy("as-optin", ActionsPolicy("subject_pattern: repo:.*\nallow_any_repository_subject: true"));
        SetPolicy("as-claim", ActionsPolicy("subject_pattern: repo:.*\nclaim_pattern:\n  repository: wide-org/octo-repo"));

        using var optIn = await _host.ExchangeAsync(_host.Issuer.CreateToken(t => t.Subject = "repo:someone/else:ref:refs/heads/main"), scope: Org + "/octo-repo", identity: "as-optin");
        await optIn.AssertSuccessAsync();

        using var stranger = await _host.ExchangeAsync(
            _host.Issuer.CreateToken(t => { t.Subject = "repo:attacker/x:ref:refs/heads/main"; t.Claims["repository"] = "attacker/x"; }), scope: Org + "/octo-repo", identity: "as-claim");
        await stranger.AssertErrorAsync(403, "access_denied");
        using var own = await _host.ExchangeAsync(
            _host.Issuer.CreateToken(t => t.Claims["repository"] = "wide-org/octo-repo"), scope: Org + "/octo-repo", identity: "as-claim");
        await own.AssertSuccessAsync();

        var issued = _host.IssuedMints();
        Assert.Equal(2, issued.Count);
        Assert.All(issued, mint => Assert.Equal(
            """{"permissions":{"contents":"read"},"repositories":["octo-repo"]}""", ExchangeApiShapeTests.Canonical(mint.RequestJson)));
    }

    [Fact]
    public async Task An_organization_policy_without_repositories_is_never_applied()
    {
        SetPolicy("or-missing", StsTestHost.Policy(), repository: ".github");

        using var org = await _host.ExchangeAsync(_host.Issuer.CreateToken(), scope: Org, identity: "or-missing");
        await org.AssertErrorAsync(403, "access_denied");
        using var policyRepo = await _host.ExchangeAsync(_host.Issuer.CreateToken(), scope: Org + "/.github", identity: "or-missing");
        await policyRepo.AssertErrorAsync(403, "access_denied");

        _host.AssertNothingIssued();
    }

    [Fact]
    public async Task Star_covers_every_repository_but_the_org_policy_repository_unless_it_is_listed()
    {
        SetPolicy("or-star", StsTestHost.Policy("contents: write", extra: "repositories: ['*']"), repository: ".github");
        SetPolicy("or-star-policy-repo", StsTestHost.Policy("contents: write", extra: "repositories: ['*', .github]"), repository: ".github");

        using var star = await _host.ExchangeAsync(_host.Issuer.CreateToken(), scope: Org, identity: "or-star");
        var starBody = await star.AssertSuccessAsync();
        using var viaPolicyRepo = await _host.ExchangeAsync(_host.Issuer.CreateToken(), scope: Org + "/.github", identity: "or-star");
        await viaPolicyRepo.AssertSuccessAsync();
        using var all = await _host.ExchangeAsync(_host.Issuer.CreateToken(), scope: Org, identity: "or-star-policy-repo");
        Assert.Equal("all", (await all.AssertSuccessAsync()).GetProperty("repository_selection").GetString());

        var issued = _host.IssuedMints();
        Assert.Equal(3, issued.Count);
        Assert.Equal(["octo-repo", "other-repo"], issued[0].RequestedRepositories);
        Assert.Equal(["octo-repo", "other-repo"], issued[1].RequestedRepositories);
        Assert.DoesNotContain(".github", starBody.GetProperty("repositories").EnumerateArray().Select(r => r.GetString()));
        Assert.Null(issued[2].RequestedRepositories);
    }

    [Fact]
    public async Task A_request_for_the_org_policy_repository_gets_only_what_the_organization_policy_lists()
    {
        SetPolicy("or-listed", StsTestHost.Policy("contents: write", extra: "repositories: [octo-repo]"), repository: ".github");

        using var response = await _host.ExchangeAsync(_host.Issuer.CreateToken(), scope: Org + "/.github", identity: "or-listed");
        await response.AssertSuccessAsync();

        Assert.Equal(["octo-repo"], Assert.Single(_host.IssuedMints()).RequestedRepositories);
    }

    private void SetPolicy(string identity, string yaml, string repository = "octo-repo") =>
        _host.GitHub.SetFile(Org, repository, $".github/sts/default/{identity}.sts.yaml", yaml);

    private static string ActionsPolicy(string subjectRule) => $"""
        {ActionsLikeIssuer}
        {subjectRule}
        permissions:
          contents: read
        """;

    public sealed class WideInstallationFixture : IAsyncLifetime
    {
        public StsTestHost Host { get; private set; } = null!;

        public async Task InitializeAsync()
        {
            Host = await StsTestHost.StartAsync();
            var everything = GitHubPermissionCatalog.Names.ToDictionary(
                name => name, name => GitHubPermissionCatalog.TryGetLevels(name, out var levels) ? levels[^1] : "read", StringComparer.Ordinal);
            Host.GitHub.AddInstallation(StsTestHost.AppId, Org, "Organization", ["octo-repo", "other-repo", ".github"], everything);
        }

        public async Task DisposeAsync() => await Host.DisposeAsync();
    }
}
