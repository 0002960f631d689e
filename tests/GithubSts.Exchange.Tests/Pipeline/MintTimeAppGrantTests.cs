using GithubSts.Exchange.Apps;
using GithubSts.Exchange.Pipeline;
using GithubSts.Exchange.Pipeline.Steps;
using GithubSts.Exchange.Policies;
using GithubSts.Exchange.PolicySources;
using GithubSts.Exchange.Requests;
using GithubSts.Exchange.Tests.GitHub;
using GithubSts.Exchange.Tests.Policies;
using GithubSts.Testing.GitHub;

namespace GithubSts.Exchange.Tests.Pipeline;

/// <summary>
/// Issue 9, item 2: a policy compiled while its App allowed more (the App was narrowed since) does not mint: the mint
/// step checks the App's grant again and asks GitHub for nothing.
/// </summary>
public sealed class MintTimeAppGrantTests
{
    public static TheoryData<string, string, PolicyScopeKind, string?, bool> Exceeding => new()
    {
        // permission line, scope, kind, App maxPermissions (name:level), allowOrganizationPermissions
        { "contents: write", "acme/app", PolicyScopeKind.Repository, "contents:read", false },
        { "contents: write", "acme/app", PolicyScopeKind.Repository, "issues:write", false },
        { "issues: write", "acme/app", PolicyScopeKind.Repository, "contents:write", false },
        { "members: read", "acme", PolicyScopeKind.Organization, null, false },
        { "members: read", "acme", PolicyScopeKind.Organization, "contents:read", true },
        { "members: write", "acme", PolicyScopeKind.Organization, "members:read", true },
    };

    [Theory]
    [MemberData(nameof(Exceeding))]
    public async Task A_policy_exceeding_the_narrowed_app_is_refused_before_any_github_call(
        string permission, string scope, PolicyScopeKind kind, string? maxPermission, bool allowOrganizationPermissions)
    {
        await using var bed = await GitHubTestBed.StartAsync();
        var context = Context(bed, permission, scope, kind, maxPermission, allowOrganizationPermissions);
        var before = Calls(bed);

        var error = await Assert.ThrowsAsync<ExchangeException>(
            () => new MintTokenStep(bed.Client).ExecuteAsync(context, CancellationToken.None).AsTask());

        Assert.Equal(ExchangeErrorKind.AccessDenied, error.Kind);
        Assert.Equal(ReasonCodes.PolicyExceedsApp, error.ReasonCode);
        Assert.Null(context.Result);
        Assert.Empty(bed.Simulator.Mints);
        Assert.Equal(before, Calls(bed));
    }

    [Theory]
    [InlineData("contents: read", "widgets/app", PolicyScopeKind.Repository, "contents:write", false)]
    [InlineData("contents: read", "widgets/app", PolicyScopeKind.Repository, null, false)]
    [InlineData("members: read", "widgets", PolicyScopeKind.Organization, "members:write", true)]
    public async Task A_policy_within_the_app_mints_exactly_its_permissions(
        string permission, string scope, PolicyScopeKind kind, string? maxPermission, bool allowOrganizationPermissions)
    {
        await using var bed = await GitHubTestBed.StartAsync();
        bed.Simulator.AddInstallation(
            GitHubTestBed.AppId, "widgets", "Organization", ["app"], GitHubTestBed.Permissions(("contents", "write"), ("members", "write")));
        var context = Context(bed, permission, scope, kind, maxPermission, allowOrganizationPermissions);

        await new MintTokenStep(bed.Client).ExecuteAsync(context, CancellationToken.None);

        var mint = Assert.Single(bed.Simulator.Mints);
        var (name, level) = Split(permission, ": ");
        Assert.Equal(new Dictionary<string, string> { [name] = level }, mint.RequestedPermissions);
        Assert.NotNull(context.Result);
    }

    private static ExchangeContext Context(
        GitHubTestBed bed, string permission, string scope, PolicyScopeKind kind, string? maxPermission, bool allowOrganizationPermissions)
    {
        var yaml = $"issuer: {PolicyTestKit.GitHubIssuer}\nsubject: {PolicyTestKit.MainSubject}\n"
            + (kind == PolicyScopeKind.Organization ? "repositories: [app]\n" : string.Empty)
            + $"permissions:\n  {permission}\n";

        // Compiled while the App allowed it: the App is narrowed only afterwards.
        var policy = PolicyTestKit.Compile(yaml, kind);
        Assert.True(PolicyPathTemplate.TryCreate(PolicyPathTemplate.PyGithubStsLayout, out var path, out _));
        Assert.True(ExchangeTarget.TryParse(scope, out var target));
        return new ExchangeContext(new ExchangeRequest { Scope = scope, Identity = "deploy", SubjectToken = "t", RequestId = "r" })
        {
            Target = target,
            Identity = "deploy",
            App = new GitHubAppRuntime
            {
                Credentials = bed.App,
                PolicyPath = path,
                OrgPolicyRepository = ".github",
                MaxPermissions = maxPermission is null
                    ? null
                    : new Dictionary<string, string>(StringComparer.Ordinal) { [Split(maxPermission, ":").Name] = Split(maxPermission, ":").Level },
                AllowOrganizationPermissions = allowOrganizationPermissions,
            },
            Caller = PolicyTestKit.GitHubIdentity(),
            Policy = new ResolvedPolicy(policy, "test"),
        };
    }

    private static (string Name, string Level) Split(string pair, string separator)
    {
        var parts = pair.Split(separator);
        return (parts[0], parts[1]);
    }

    private static int Calls(GitHubTestBed bed) =>
        bed.Simulator.GetRequestCount(GitHubEndpointKind.Installation) + bed.Simulator.GetRequestCount(GitHubEndpointKind.Mint);
}
