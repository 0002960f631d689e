using GithubSts.Exchange.Policies;

namespace GithubSts.Exchange.Tests.Policies;

public class GitHubPermissionCatalogTests
{
    [Fact]
    public void Names_are_ordinal_sorted_snake_case_and_unique()
    {
        var names = GitHubPermissionCatalog.Names.ToArray();

        Assert.Equal(names.Order(StringComparer.Ordinal), names);
        Assert.Equal(names.Length, names.Distinct(StringComparer.Ordinal).Count());
        Assert.All(names, name => Assert.Matches("^[a-z]+(_[a-z]+)*$", name));
    }

    [Theory]
    [InlineData("contents", "read,write")]
    [InlineData("pull_requests", "read,write")]
    [InlineData("workflows", "write")]
    [InlineData("organization_events", "read")]
    [InlineData("organization_plan", "read")]
    [InlineData("profile", "write")]
    [InlineData("organization_projects", "read,write,admin")]
    [InlineData("repository_projects", "read,write,admin")]
    [InlineData("organization_custom_properties", "read,write,admin")]
    public void Levels_match_the_github_schema(string name, string levels)
    {
        Assert.True(GitHubPermissionCatalog.TryGetLevels(name, out var found));
        Assert.Equal(levels.Split(','), found);
    }

    [Theory]
    [InlineData("pull-requests")]
    [InlineData("Contents")]
    [InlineData("")]
    [InlineData("emails")]
    public void Unknown_names_are_not_found(string name)
    {
        Assert.False(GitHubPermissionCatalog.TryGetLevels(name, out var levels));
        Assert.Empty(levels);
    }

    [Fact]
    public void Catalogue_cannot_be_modified_through_its_views()
    {
        GitHubPermissionCatalog.TryGetLevels("contents", out var levels);

        Assert.False(levels is string[]);
        Assert.False(GitHubPermissionCatalog.Names is string[]);
    }

    [Theory]
    [MemberData(nameof(BriefNames))]
    public void Contains_every_name_listed_in_the_github_docs(string name)
    {
        Assert.True(GitHubPermissionCatalog.TryGetLevels(name, out _));
    }

    public static TheoryData<string> BriefNames() =>
    [
        "actions", "administration", "checks", "codespaces", "contents", "dependabot_secrets", "deployments",
        "environments", "issues", "metadata", "packages", "pages", "pull_requests", "repository_custom_properties",
        "repository_hooks", "repository_projects", "secret_scanning_alerts", "secrets", "security_events", "single_file",
        "statuses", "vulnerability_alerts", "workflows", "members", "organization_administration",
        "organization_announcement_banners", "organization_copilot_seat_management", "organization_custom_org_roles",
        "organization_custom_properties", "organization_custom_roles", "organization_events", "organization_hooks",
        "organization_packages", "organization_personal_access_token_requests", "organization_personal_access_tokens",
        "organization_plan", "organization_projects", "organization_secrets", "organization_self_hosted_runners",
        "organization_user_blocking", "team_discussions", "email_addresses", "followers", "git_ssh_keys", "gpg_keys",
        "interaction_limits", "profile", "starring",
    ];
}
