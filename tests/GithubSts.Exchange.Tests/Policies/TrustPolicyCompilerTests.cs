using GithubSts.Exchange.Policies;

namespace GithubSts.Exchange.Tests.Policies;

public class TrustPolicyCompilerTests
{
    private static readonly Dictionary<string, string> ContentsRead = new(StringComparer.Ordinal) { ["contents"] = "read" };

    [Fact]
    public void Valid_policy_compiles_with_sorted_permissions()
    {
        var policy = PolicyTestKit.Compile("""
            issuer: https://token.actions.githubusercontent.com
            subject: repo:org/repo:ref:refs/heads/main
            permissions:
              pull_requests: write
              contents: read
              actions: read
            max_token_lifetime: 600
            """);

        Assert.Equal(PolicyScopeKind.Repository, policy.Kind);
        Assert.Equal(["actions", "contents", "pull_requests"], policy.Permissions.Keys);
        Assert.Equal("write", policy.Permissions["pull_requests"]);
        Assert.Null(policy.Repositories);
        Assert.Equal(TimeSpan.FromMinutes(10), policy.MaxTokenLifetime);
    }

    [Theory]
    [InlineData(null, null, PolicyErrorCode.MissingField)]
    [InlineData("", null, PolicyErrorCode.MissingField)]
    [InlineData("https://a", "https://a", PolicyErrorCode.ConflictingFields)]
    [InlineData("", "", PolicyErrorCode.ConflictingFields)]
    [InlineData(null, "", PolicyErrorCode.InvalidPattern)]
    [InlineData(null, "(", PolicyErrorCode.InvalidPattern)]
    public void Issuer_needs_exactly_one_valid_rule(string? issuer, string? issuerPattern, PolicyErrorCode expected)
    {
        var error = Assert.Single(Compile(new TrustPolicyDefinition
        {
            Issuer = issuer,
            IssuerPattern = issuerPattern,
            Subject = "s",
            Permissions = ContentsRead,
        }).Errors);

        Assert.Equal(expected, error.Code);
        Assert.StartsWith("issuer", error.Field, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null, null, PolicyErrorCode.MissingField)]
    [InlineData("", null, PolicyErrorCode.MissingField)]
    [InlineData("s", "s", PolicyErrorCode.ConflictingFields)]
    [InlineData(null, "(", PolicyErrorCode.InvalidPattern)]
    [InlineData(null, ".*", PolicyErrorCode.OverlyBroadPattern)]
    public void Subject_needs_exactly_one_valid_rule(string? subject, string? subjectPattern, PolicyErrorCode expected)
    {
        var error = Assert.Single(Compile(new TrustPolicyDefinition
        {
            Issuer = "i",
            Subject = subject,
            SubjectPattern = subjectPattern,
            Permissions = ContentsRead,
        }).Errors);

        Assert.Equal(expected, error.Code);
        Assert.StartsWith("subject", error.Field, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("a", "a", PolicyErrorCode.ConflictingFields)]
    [InlineData("", null, PolicyErrorCode.MissingField)]
    [InlineData(null, "(?i)a", PolicyErrorCode.InvalidPattern)]
    public void Audience_allows_at_most_one_valid_rule(string? audience, string? audiencePattern, PolicyErrorCode expected)
    {
        var error = Assert.Single(Compile(new TrustPolicyDefinition
        {
            Issuer = "i",
            Subject = "s",
            Audience = audience,
            AudiencePattern = audiencePattern,
            Permissions = ContentsRead,
        }).Errors);

        Assert.Equal(expected, error.Code);
        Assert.StartsWith("audience", error.Field, StringComparison.Ordinal);
    }

    [Fact]
    public void Claim_pattern_errors_name_the_claim()
    {
        var errors = PolicyTestKit.CompileErrors(PolicyTestKit.Yaml("claim_pattern:\n  environment: '\\d'\n  ok: prod\n  ref: '('\n"));

        Assert.Equal(["claim_pattern.environment", "claim_pattern.ref"], errors.Select(e => e.Field));
        Assert.All(errors, e => Assert.Equal(PolicyErrorCode.InvalidPattern, e.Code));
    }

    [Fact]
    public void Empty_claim_name_is_rejected()
    {
        var errors = PolicyTestKit.CompileErrors(PolicyTestKit.Yaml("claim_pattern:\n  '': x\n"));

        Assert.Equal("claim_pattern", Assert.Single(errors).Field);
    }

    [Theory]
    [InlineData("permissions: {}\n")]
    [InlineData("")]
    public void Permissions_are_required_and_non_empty(string permissionsYaml)
    {
        var error = Assert.Single(PolicyTestKit.CompileErrors("issuer: i\nsubject: s\n" + permissionsYaml));

        Assert.Equal(PolicyErrorCode.MissingPermissions, error.Code);
        Assert.Equal("permissions", error.Field);
    }

    [Theory]
    [InlineData("pull-requests", "pull_requests")]
    [InlineData("Contents", "contents")]
    [InlineData("ORGANIZATION-ADMINISTRATION", "organization_administration")]
    public void Misspelled_permission_names_get_a_suggestion(string name, string suggestion)
    {
        var error = Assert.Single(PolicyTestKit.CompileErrors($"issuer: i\nsubject: s\npermissions:\n  {name}: read\n"));

        Assert.Equal(PolicyErrorCode.UnknownPermission, error.Code);
        Assert.Equal($"permissions.{name}", error.Field);
        Assert.Contains($"did you mean {suggestion}?", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("admin")]
    [InlineData("contents_write")]
    [InlineData("write_all")]
    [InlineData("email")]
    public void Unknown_permission_names_are_rejected(string name)
    {
        var error = Assert.Single(PolicyTestKit.CompileErrors($"issuer: i\nsubject: s\npermissions:\n  {name}: read\n"));

        Assert.Equal(PolicyErrorCode.UnknownPermission, error.Code);
    }

    [Theory]
    [InlineData("contents", "admin")]
    [InlineData("contents", "execute")]
    [InlineData("contents", "Read")]
    [InlineData("contents", "none")]
    [InlineData("contents", "writ")]
    [InlineData("workflows", "read")]
    [InlineData("organization_events", "write")]
    [InlineData("organization_plan", "write")]
    [InlineData("profile", "read")]
    [InlineData("organization_administration", "admin")]
    public void Levels_outside_what_github_accepts_are_rejected(string name, string level)
    {
        var error = Assert.Single(PolicyTestKit.CompileErrors($"issuer: i\nsubject: s\npermissions:\n  {name}: {level}\n"));

        Assert.Equal(PolicyErrorCode.InvalidPermissionLevel, error.Code);
        Assert.Equal($"permissions.{name}", error.Field);
    }

    [Theory]
    [InlineData("workflows", "write")]
    [InlineData("organization_projects", "admin")]
    [InlineData("repository_projects", "admin")]
    [InlineData("organization_custom_properties", "admin")]
    [InlineData("organization_events", "read")]
    [InlineData("organization_plan", "read")]
    [InlineData("metadata", "read")]
    public void Levels_github_accepts_compile(string name, string level)
    {
        // Organization permissions compile only in organization policies (see PermissionScopeTests).
        GitHubPermissionCatalog.TryGetScope(name, out var scope);
        var policy = scope == PermissionScope.Organization
            ? PolicyTestKit.Compile($"issuer: i\nsubject: s\nrepositories: [app]\npermissions:\n  {name}: {level}\n", PolicyScopeKind.Organization)
            : PolicyTestKit.Compile($"issuer: i\nsubject: s\npermissions:\n  {name}: {level}\n");

        Assert.Equal(level, policy.Permissions[name]);
    }

    [Fact]
    public void Repositories_are_not_allowed_on_repository_level_policies_even_when_empty()
    {
        foreach (var list in new[] { "[app]", "[]" })
        {
            var error = Assert.Single(PolicyTestKit.CompileErrors(PolicyTestKit.Yaml($"repositories: {list}")));

            Assert.Equal(PolicyErrorCode.RepositoriesNotAllowed, error.Code);
        }
    }

    [Fact]
    public void Organization_policy_keeps_its_repository_list_in_order()
    {
        var policy = PolicyTestKit.Compile(PolicyTestKit.Yaml("repositories: [web, api, .github, my_repo-2.x]"), PolicyScopeKind.Organization);

        Assert.Equal(PolicyScopeKind.Organization, policy.Kind);
        Assert.Equal(["web", "api", ".github", "my_repo-2.x"], policy.Repositories!);
    }

    [Fact]
    public void Organization_policy_without_repositories_is_refused()
    {
        var error = Assert.Single(PolicyTestKit.CompileErrors(PolicyTestKit.Yaml(), PolicyScopeKind.Organization));

        Assert.Equal(PolicyErrorCode.MissingRepositories, error.Code);
        Assert.Equal("repositories", error.Field);
    }

    [Theory]
    [InlineData("other-org/r")]
    [InlineData("../x")]
    [InlineData("..")]
    [InlineData(".")]
    [InlineData("''")]
    [InlineData("'a b'")]
    [InlineData("'r\\u00e9po'")]
    [InlineData("\"r\\u0000\"")]
    [InlineData("x?ref=main")]
    public void Invalid_repository_names_are_rejected(string entry)
    {
        var error = Assert.Single(PolicyTestKit.CompileErrors(
            PolicyTestKit.Yaml($"repositories:\n  - ok\n  - {entry}\n"), PolicyScopeKind.Organization));

        Assert.Equal(PolicyErrorCode.InvalidRepository, error.Code);
        Assert.Equal("repositories[1]", error.Field);
    }

    [Fact]
    public void Repository_names_longer_than_100_characters_are_rejected()
    {
        var error = Assert.Single(PolicyTestKit.CompileErrors(
            PolicyTestKit.Yaml($"repositories: [{new string('a', 101)}]"), PolicyScopeKind.Organization));

        Assert.Equal(PolicyErrorCode.InvalidRepository, error.Code);
    }

    [Fact]
    public void Duplicate_repositories_are_rejected_case_insensitively()
    {
        var error = Assert.Single(PolicyTestKit.CompileErrors(
            PolicyTestKit.Yaml("repositories: [App, docs, app]"), PolicyScopeKind.Organization));

        Assert.Equal(PolicyErrorCode.InvalidRepository, error.Code);
        Assert.Equal("repositories[2]", error.Field);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(501)]
    public void Repository_count_must_be_between_1_and_500(int count)
    {
        var result = Compile(
            new TrustPolicyDefinition
            {
                Issuer = "i",
                Subject = "s",
                Permissions = ContentsRead,
                Repositories = [.. Enumerable.Range(0, count).Select(i => $"r{i}")],
            },
            PolicyScopeKind.Organization);

        var error = Assert.Single(result.Errors);
        Assert.Equal(PolicyErrorCode.InvalidRepository, error.Code);
        Assert.Equal("repositories", error.Field);
    }

    [Fact]
    public void Five_hundred_repositories_are_accepted()
    {
        var result = Compile(
            new TrustPolicyDefinition
            {
                Issuer = "i",
                Subject = "s",
                Permissions = ContentsRead,
                Repositories = [.. Enumerable.Range(0, 500).Select(i => $"r{i}")],
            },
            PolicyScopeKind.Organization);

        Assert.Equal(500, result.Policy!.Repositories!.Count);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(604_801)]
    [InlineData(long.MaxValue)]
    public void Lifetime_must_be_positive_and_at_most_seven_days(long seconds)
    {
        var error = Assert.Single(PolicyTestKit.CompileErrors(PolicyTestKit.Yaml($"max_token_lifetime: {seconds}")));

        Assert.Equal(PolicyErrorCode.InvalidLifetime, error.Code);
        Assert.Equal("max_token_lifetime", error.Field);
    }

    [Fact]
    public void Seven_days_is_the_largest_lifetime()
    {
        Assert.Equal(TimeSpan.FromDays(7), PolicyTestKit.Compile(PolicyTestKit.Yaml("max_token_lifetime: 604800")).MaxTokenLifetime);
    }

    [Fact]
    public void Every_error_is_reported_in_one_pass()
    {
        var result = Compile(
            new TrustPolicyDefinition
            {
                IssuerPattern = "https://.*",
                Subject = "s",
                SubjectPattern = "s",
                AudiencePattern = "(",
                ClaimPatterns = new Dictionary<string, string>(StringComparer.Ordinal) { ["env"] = @"\w" },
                Permissions = new Dictionary<string, string>(StringComparer.Ordinal) { ["pull-requests"] = "write", ["contents"] = "admin" },
                Repositories = ["x"],
                MaxTokenLifetimeSeconds = 0,
            },
            PolicyScopeKind.Repository);

        Assert.Equal(
            [
                PolicyErrorCode.InvalidPattern,
                PolicyErrorCode.ConflictingFields,
                PolicyErrorCode.InvalidPattern,
                PolicyErrorCode.InvalidPattern,
                PolicyErrorCode.InvalidPermissionLevel,
                PolicyErrorCode.UnknownPermission,
                PolicyErrorCode.RepositoriesNotAllowed,
                PolicyErrorCode.InvalidLifetime,
            ],
            result.Errors.Select(e => e.Code));
    }

    [Fact]
    public void Successful_result_has_no_errors()
    {
        var result = Compile(new TrustPolicyDefinition { Issuer = "i", Subject = "s", Permissions = ContentsRead });

        Assert.True(result.Succeeded);
        Assert.Empty(result.Errors);
    }

    private static PolicyCompileResult Compile(TrustPolicyDefinition definition, PolicyScopeKind kind = PolicyScopeKind.Repository) =>
        TrustPolicyCompiler.Compile(definition, kind);
}
