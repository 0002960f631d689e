using GithubSts.Exchange.Apps;
using GithubSts.Exchange.GitHub;
using GithubSts.Exchange.Pipeline.Steps;
using GithubSts.Exchange.Policies;

namespace GithubSts.Exchange.Tests.Policies;

/// <summary>Item 2 and 7.4: permissions must fit the policy's scope and its App; organization policies name their repositories.</summary>
public class PermissionScopeTests
{
    // The groups of GitHub's app-permissions schema (REST "Create an installation access token for an app").
    private static readonly string[] OrganizationNames =
    [
        "custom_properties_for_organizations", "members", "organization_administration", "organization_announcement_banners",
        "organization_copilot_agent_settings", "organization_copilot_seat_management", "organization_custom_org_roles",
        "organization_custom_properties", "organization_custom_roles", "organization_events", "organization_hooks",
        "organization_packages", "organization_personal_access_token_requests", "organization_personal_access_tokens",
        "organization_plan", "organization_projects", "organization_secrets", "organization_self_hosted_runners",
        "organization_user_blocking", "team_discussions",
    ];

    private static readonly string[] AccountNames =
        ["email_addresses", "followers", "git_ssh_keys", "gpg_keys", "interaction_limits", "profile", "starring"];

    public static TheoryData<string> OrganizationPermissions() => [.. OrganizationNames];

    public static TheoryData<string> AccountAndEnterprisePermissions() => [.. AccountNames, "enterprise_custom_properties_for_organizations"];

    [Fact]
    public void Every_catalogue_name_has_exactly_the_scope_of_its_github_group()
    {
        foreach (var name in GitHubPermissionCatalog.Names)
        {
            Assert.True(GitHubPermissionCatalog.TryGetScope(name, out var scope));
            var expected = OrganizationNames.Contains(name) ? PermissionScope.Organization
                : AccountNames.Contains(name) ? PermissionScope.Account
                : name.StartsWith("enterprise_", StringComparison.Ordinal) ? PermissionScope.Enterprise
                : PermissionScope.Repository;
            Assert.True(expected == scope, $"{name}: {scope}, expected {expected}");
        }

        Assert.Equal(OrganizationNames.Length + AccountNames.Length, GitHubPermissionCatalog.Names.Count(n =>
            GitHubPermissionCatalog.TryGetScope(n, out var s) && s is PermissionScope.Organization or PermissionScope.Account));
        Assert.False(GitHubPermissionCatalog.TryGetScope("pull-requests", out _));
    }

    [Theory]
    [MemberData(nameof(OrganizationPermissions))]
    public void A_repository_policy_cannot_hold_an_organization_permission(string name)
    {
        var level = GitHubPermissionCatalog.TryGetLevels(name, out var levels) ? levels[0] : "read";
        var errors = PolicyTestKit.CompileErrors(PolicyTestKit.Yaml().Replace("contents: read", $"contents: read\n  {name}: {level}", StringComparison.Ordinal));

        var error = Assert.Single(errors);
        Assert.Equal(PolicyErrorCode.PermissionOutsideScope, error.Code);
        Assert.Equal($"permissions.{name}", error.Field);
        Assert.Contains(name, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(OrganizationPermissions))]
    public void An_organization_policy_may_hold_an_organization_permission(string name)
    {
        var level = GitHubPermissionCatalog.TryGetLevels(name, out var levels) ? levels[^1] : "read";
        var policy = PolicyTestKit.Compile(OrgYaml($"{name}: {level}"), PolicyScopeKind.Organization);

        Assert.Equal(level, policy.Permissions[name]);
    }

    [Theory]
    [MemberData(nameof(AccountAndEnterprisePermissions))]
    public void Account_and_enterprise_permissions_are_refused_in_every_scope(string name)
    {
        var level = GitHubPermissionCatalog.TryGetLevels(name, out var levels) ? levels[0] : "read";
        foreach (var kind in new[] { PolicyScopeKind.Repository, PolicyScopeKind.Organization })
        {
            var error = Assert.Single(PolicyTestKit.CompileErrors(OrgYaml($"{name}: {level}", kind), kind));
            Assert.Equal(PolicyErrorCode.PermissionOutsideScope, error.Code);
            Assert.Equal($"permissions.{name}", error.Field);
        }
    }

    [Fact]
    public void Every_out_of_scope_permission_is_reported_at_once()
    {
        var errors = PolicyTestKit.CompileErrors(PolicyTestKit.Yaml().Replace(
            "contents: read", "contents: read\n  members: write\n  organization_secrets: read\n  gpg_keys: read", StringComparison.Ordinal));

        Assert.Equal(["permissions.gpg_keys", "permissions.members", "permissions.organization_secrets"], errors.Select(e => e.Field));
        Assert.All(errors, e => Assert.Equal(PolicyErrorCode.PermissionOutsideScope, e.Code));
    }

    [Fact]
    public void Organization_permissions_need_the_apps_opt_in()
    {
        var policy = PolicyTestKit.Compile(OrgYaml("members: read"), PolicyScopeKind.Organization);

        var error = Assert.Single(AppGrantRules.Check(policy, "app", null, allowOrganizationPermissions: false));
        Assert.Equal(PolicyErrorCode.OrganizationPermissionsNotAllowed, error.Code);
        Assert.Equal("permissions.members", error.Field);
        Assert.Empty(AppGrantRules.Check(policy, "app", null, allowOrganizationPermissions: true));

        // Repository permissions need no opt-in.
        Assert.Empty(AppGrantRules.Check(PolicyTestKit.Compile(OrgYaml("contents: write"), PolicyScopeKind.Organization), "app", null, false));
    }

    [Theory]
    [InlineData("contents: write", "contents=read")]
    [InlineData("contents: read", "issues=write")]
    [InlineData("repository_projects: admin", "repository_projects=write")]
    public void The_apps_ceiling_bounds_every_policy(string permission, string ceiling)
    {
        var policy = PolicyTestKit.Compile(PolicyTestKit.Yaml().Replace("contents: read", permission, StringComparison.Ordinal));
        var max = ceiling.Split(',').Select(p => p.Split('=')).ToDictionary(p => p[0], p => p[1], StringComparer.Ordinal);

        var error = Assert.Single(AppGrantRules.Check(policy, "app", max, allowOrganizationPermissions: true));
        Assert.Equal(PolicyErrorCode.PermissionExceedsApp, error.Code);
    }

    [Fact]
    public void The_ceiling_and_the_opt_in_are_read_from_the_apps_runtime()
    {
        using var key = System.Security.Cryptography.RSA.Create(2048);
        var app = new GitHubAppRuntime
        {
            Credentials = new GitHubAppCredentials("app", 1, key, new Uri("https://api.github.com/")),
            PolicyPath = PolicyPathTemplate.TryCreate(PolicyPathTemplate.PyGithubStsLayout, out var path, out _) ? path : null!,
            OrgPolicyRepository = ".github",
            MaxPermissions = new Dictionary<string, string>(StringComparer.Ordinal) { ["members"] = "read", ["contents"] = "read" },
            AllowOrganizationPermissions = true,
        };

        Assert.Empty(AppGrantRules.Check(PolicyTestKit.Compile(OrgYaml("members: read"), PolicyScopeKind.Organization), app));
        Assert.Equal(
            PolicyErrorCode.PermissionExceedsApp,
            Assert.Single(AppGrantRules.Check(PolicyTestKit.Compile(OrgYaml("members: write"), PolicyScopeKind.Organization), app)).Code);
    }

    [Fact]
    public void Star_means_every_repository_and_is_kept_apart_from_the_names()
    {
        var star = PolicyTestKit.Compile(OrgYaml("contents: read", repositories: "['*']"), PolicyScopeKind.Organization);
        Assert.True(star.CoversEveryRepository);
        Assert.Empty(star.Repositories!);

        var starAndPolicyRepo = PolicyTestKit.Compile(OrgYaml("contents: read", repositories: "['*', .github]"), PolicyScopeKind.Organization);
        Assert.True(starAndPolicyRepo.CoversEveryRepository);
        Assert.Equal([".github"], starAndPolicyRepo.Repositories!);

        var twice = Assert.Single(PolicyTestKit.CompileErrors(OrgYaml("contents: read", repositories: "['*', '*']"), PolicyScopeKind.Organization));
        Assert.Equal(PolicyErrorCode.InvalidRepository, twice.Code);
        Assert.Equal(
            PolicyErrorCode.RepositoriesNotAllowed,
            Assert.Single(PolicyTestKit.CompileErrors(PolicyTestKit.Yaml("repositories: ['*']"))).Code);
    }

    [Theory]
    [InlineData("['*']", null, true, null)]
    [InlineData("['*']", ".github", true, null)]
    [InlineData("['*', .github]", null, false, null)]
    [InlineData("['*', .GitHub]", null, false, null)]
    [InlineData("[web, api]", null, false, "web,api")]
    [InlineData("[web, api]", ".github", false, "web,api")]
    [InlineData("[.github]", ".github", false, ".github")]
    public void The_mint_covers_what_the_organization_policy_lists_and_never_the_policy_repository_implicitly(
        string repositories, string? requested, bool listInstallation, string? expected)
    {
        var policy = PolicyTestKit.Compile(OrgYaml("contents: write", repositories: repositories), PolicyScopeKind.Organization);

        var plan = MintTokenStep.RepositoriesFor(requested, policy, ".github");

        Assert.Equal(listInstallation, plan.EveryExceptOrgPolicyRepository);
        Assert.Equal(expected?.Split(','), plan.Repositories);
    }

    [Fact]
    public void A_repository_policy_mints_for_its_own_repository_only()
    {
        var plan = MintTokenStep.RepositoriesFor("app", PolicyTestKit.Compile(PolicyTestKit.Yaml()), ".github");

        Assert.Equal(["app"], plan.Repositories);
        Assert.False(plan.EveryExceptOrgPolicyRepository);
    }

    private static string OrgYaml(string permission, PolicyScopeKind kind = PolicyScopeKind.Organization, string repositories = "[app]") =>
        $"issuer: {PolicyTestKit.GitHubIssuer}\nsubject: {PolicyTestKit.MainSubject}\n"
        + (kind == PolicyScopeKind.Organization ? $"repositories: {repositories}\n" : string.Empty)
        + $"permissions:\n  {permission}\n";
}
