using System.Net;
using GithubSts.IntegrationTests.Infrastructure;
using GithubSts.Testing.GitHub;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using static GithubSts.IntegrationTests.Infrastructure.WebhookDeliveryClient;

namespace GithubSts.IntegrationTests;

/// <summary>
/// Issue 13 §3, the check run: a pull request (or a push to another branch) touching policy files gets a
/// <c>github-sts policy</c> check run on its head commit, recorded by the simulator with its annotations; the files are
/// read with a <c>contents: read</c> token for that one repository, revoked afterwards.
/// </summary>
public sealed class WebhookCheckRunTests
{
    private const string CiFile = ".github/sts/default/ci.sts.yaml";
    private static readonly string Base = Sha('1');
    private static readonly string Head = Sha('2');

    [Fact]
    public async Task A_policy_pull_request_asking_for_a_permission_the_installation_lacks_fails_with_an_annotation_on_its_line()
    {
        await using var host = await StsTestHost.StartAsync(WithWebhookSecret);
        host.SetPolicy("ci", StsTestHost.Policy(), branch: Base);
        host.SetPolicy("ci", StsTestHost.Policy("contents: read\n  administration: write"), branch: Head);
        host.GitHub.SetFile(StsTestHost.Org, StsTestHost.Repo, "src/app.cs", "x", Head);
        host.GitHub.Reset();

        using var response = await SendAsync(host.Client, "pull_request", PullRequest("opened", Base, Head, host.InstallationId));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("processed", await response.ResultAsync());

        var run = Assert.Single(host.GitHub.CheckRuns);
        Assert.Equal(("github-sts policy", Head, "completed", "failure"), (run.Name, run.HeadSha, run.Status, run.Conclusion));
        Assert.Equal((StsTestHost.Org, StsTestHost.Repo), (run.Owner, run.Repository));
        var annotation = Assert.Single(run.Annotations);
        Assert.Equal(CiFile, annotation.Path);
        Assert.Equal("failure", annotation.Level);
        Assert.Equal("InstallationCannotGrant", annotation.Title);
        Assert.Contains("the installation cannot grant administration: write", annotation.Message, StringComparison.Ordinal);
        Assert.Equal(LineOf(StsTestHost.Policy("contents: read\n  administration: write"), "administration:"), annotation.StartLine);

        // The files were read at the head commit only, with a contents:read token for this repository, revoked afterwards.
        var reads = host.GitHub.ContentReads;
        Assert.NotEmpty(reads);
        Assert.All(reads, r => Assert.Equal("?ref=" + Head, r.Query));
        Assert.DoesNotContain(reads, r => r.Path == "src/app.cs");
        Assert.Equal(2, host.GitHub.Mints.Count);
        var read = host.GitHub.Mints[0];
        Assert.Equal(new Dictionary<string, string> { ["contents"] = "read" }, read.RequestedPermissions);
        Assert.Equal([StsTestHost.Repo], read.RequestedRepositories);
        Assert.True(host.GitHub.IsRevoked(read.Token));

        // The check run was posted with a token of exactly checks:write on the repository, revoked afterwards too.
        var write = host.GitHub.Mints[1];
        Assert.Equal(new Dictionary<string, string> { ["checks"] = "write" }, write.RequestedPermissions);
        Assert.Equal([StsTestHost.Repo], write.RequestedRepositories);
        Assert.Equal(write.Token, run.Token);
        Assert.True(host.GitHub.IsRevoked(write.Token));
        Assert.Equal(2, host.GitHub.Revocations.Count);
    }

    [Fact]
    public async Task A_valid_policy_pull_request_succeeds_without_annotations()
    {
        await using var host = await StsTestHost.StartAsync(WithWebhookSecret);
        host.SetPolicy("deploy", StsTestHost.Policy("contents: write\n  issues: write"), branch: Head);

        using var response = await SendAsync(host.Client, "pull_request", PullRequest("synchronize", Base, Head, host.InstallationId));
        Assert.Equal("processed", await response.ResultAsync());

        var run = Assert.Single(host.GitHub.CheckRuns);
        Assert.Equal("success", run.Conclusion);
        Assert.Empty(run.Annotations);
        Assert.Contains(".github/sts/default/deploy.sts.yaml", run.Summary, StringComparison.Ordinal);
        Assert.All(host.GitHub.Mints, m => Assert.True(host.GitHub.IsRevoked(m.Token)));
    }

    [Fact]
    public async Task Invalid_files_get_one_annotation_per_finding_and_a_misnamed_file_a_warning()
    {
        await using var host = await StsTestHost.StartAsync(WithWebhookSecret);
        host.SetPolicy("broken", "issuer: https://token.actions.githubusercontent.com\nsubjet: x\n", branch: Head);
        host.SetPolicy("nopermissions", "issuer: https://token.actions.githubusercontent.com\nsubject: repo:octo-org/octo-repo:ref:refs/heads/main\n", branch: Head);
        host.GitHub.SetFile(StsTestHost.Org, StsTestHost.Repo, ".github/sts/default/notes.yaml", "hello", Head);

        using var response = await SendAsync(host.Client, "pull_request", PullRequest("reopened", Base, Head, host.InstallationId));
        Assert.Equal("processed", await response.ResultAsync());

        var run = Assert.Single(host.GitHub.CheckRuns);
        Assert.Equal("failure", run.Conclusion);
        var unknown = Assert.Single(run.Annotations, a => a.Path.EndsWith("broken.sts.yaml", StringComparison.Ordinal));
        Assert.Equal(("UnknownField", 2, "failure"), (unknown.Title, unknown.StartLine, unknown.Level));
        var missing = Assert.Single(run.Annotations, a => a.Path.EndsWith("nopermissions.sts.yaml", StringComparison.Ordinal));
        Assert.Equal("failure", missing.Level);
        var misnamed = Assert.Single(run.Annotations, a => a.Path.EndsWith("notes.yaml", StringComparison.Ordinal));
        Assert.Equal(("MisnamedPolicyFile", "warning"), (misnamed.Title, misnamed.Level));
    }

    [Fact]
    public async Task An_organization_policy_is_checked_for_its_scope_and_the_Apps_own_rules()
    {
        await using var host = await StsTestHost.StartAsync(WithWebhookSecret);
        host.SetPolicy("org-ci", StsTestHost.Policy("members: read", "repositories: [octo-repo]"), repository: ".github", branch: Head);

        using var response = await SendAsync(host.Client, "pull_request", PullRequest("opened", Base, Head, host.InstallationId, ".github"));
        Assert.Equal("processed", await response.ResultAsync());

        var run = Assert.Single(host.GitHub.CheckRuns);
        Assert.Equal(("failure", ".github"), (run.Conclusion, run.Repository));
        Assert.Contains(run.Annotations, a => a.Title == "OrganizationPermissionsNotAllowed");
        Assert.Contains(run.Annotations, a => a.Title == "InstallationCannotGrant" && a.Message.Contains("members: read", StringComparison.Ordinal));
        Assert.DoesNotContain(run.Annotations, a => a.Title == "MissingRepositories");
    }

    [Fact]
    public async Task A_push_to_another_branch_touching_policy_files_gets_a_check_run()
    {
        await using var host = await StsTestHost.StartAsync(WithWebhookSecret);
        host.SetPolicy("ci", StsTestHost.Policy("pull_requests: admin"), branch: Head);

        using var response = await SendAsync(host.Client, "push", Push("refs/heads/feature", Head, host.InstallationId, modified: [CiFile]));
        Assert.Equal("processed", await response.ResultAsync());

        var run = Assert.Single(host.GitHub.CheckRuns);
        Assert.Equal(("failure", Head), (run.Conclusion, run.HeadSha));
        Assert.Contains(run.Annotations, a => a.Title == "InstallationCannotGrant" && a.Message.Contains("pull_requests: admin (it holds write)", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_pull_request_not_touching_policy_files_gets_no_check_run()
    {
        await using var host = await StsTestHost.StartAsync(WithWebhookSecret);
        host.GitHub.SetFile(StsTestHost.Org, StsTestHost.Repo, "src/app.cs", "x", Head);

        using var response = await SendAsync(host.Client, "pull_request", PullRequest("opened", Base, Head, host.InstallationId));
        Assert.Equal("ignored", await response.ResultAsync());
        Assert.Empty(host.GitHub.CheckRuns);
        Assert.All(host.GitHub.Mints, m => Assert.True(host.GitHub.IsRevoked(m.Token)));
    }

    [Fact]
    public async Task A_closed_pull_request_is_ignored_without_a_github_call()
    {
        await using var host = await StsTestHost.StartAsync(WithWebhookSecret);
        host.SetPolicy("ci", StsTestHost.Policy(), branch: Head);
        var calls = CallsBesidesAppCheck(host.GitHub);

        using var response = await SendAsync(host.Client, "pull_request", PullRequest("closed", Base, Head, host.InstallationId));
        Assert.Equal("ignored", await response.ResultAsync());
        Assert.Equal(calls, CallsBesidesAppCheck(host.GitHub));
    }

    [Fact]
    public async Task An_unknown_installation_gets_no_check_run_and_no_token()
    {
        await using var host = await StsTestHost.StartAsync(WithWebhookSecret);
        host.SetPolicy("ci", StsTestHost.Policy(), branch: Head);

        using var response = await SendAsync(host.Client, "pull_request", PullRequest("opened", Base, Head, host.InstallationId + 999));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("ignored", await response.ResultAsync());
        Assert.Empty(host.GitHub.CheckRuns);
        Assert.Empty(host.GitHub.Mints);
    }

    [Fact]
    public async Task A_repository_outside_the_installation_gets_no_check_run()
    {
        await using var host = await StsTestHost.StartAsync(WithWebhookSecret);
        host.GitHub.SetFile(StsTestHost.Org, "not-installed", CiFile, StsTestHost.Policy(), Head);

        using var response = await SendAsync(host.Client, "pull_request", PullRequest("opened", Base, Head, host.InstallationId, "not-installed"));
        Assert.Equal("ignored", await response.ResultAsync());
        Assert.Empty(host.GitHub.CheckRuns);
        Assert.Empty(host.GitHub.Mints);
    }

    [Fact]
    public async Task Paths_the_contents_API_may_not_be_asked_for_are_never_read()
    {
        await using var host = await StsTestHost.StartAsync(WithWebhookSecret);
        using var response = await SendAsync(
            host.Client, "push",
            Push("refs/heads/feature", Head, host.InstallationId, modified: [".github/sts/default/../../../x.sts.yaml", ".github/sts/default/a?ref=main.sts.yaml", ".github/sts/default/%2e%2e.sts.yaml"]));
        Assert.Equal("ignored", await response.ResultAsync());
        Assert.Empty(host.GitHub.ContentReads);
        Assert.Empty(host.GitHub.CheckRuns);
    }

    [Fact]
    public async Task Without_checks_write_the_App_logs_and_posts_nothing()
    {
        var log = new CapturingLoggerProvider();
        await using var host = await StsTestHost.StartAsync(WithWebhookSecret, services => services.AddSingleton<ILoggerProvider>(log));
        host.GitHub.RemoveInstallation(host.InstallationId);
        var installation = host.GitHub.AddInstallation(
            StsTestHost.AppId, StsTestHost.Org, "Organization", [StsTestHost.Repo],
            new Dictionary<string, string> { ["contents"] = "write", ["metadata"] = "read" });
        host.SetPolicy("ci", StsTestHost.Policy(), branch: Head);

        using var response = await SendAsync(host.Client, "pull_request", PullRequest("opened", Base, Head, installation));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Empty(host.GitHub.CheckRuns);
        Assert.DoesNotContain(host.GitHub.Mints, m => m.RequestedPermissions?.ContainsKey("checks") == true);
        Assert.Contains(log.Entries, e => e.Level == LogLevel.Warning && e.Message.Contains("lacks checks: write", StringComparison.Ordinal));
        var metrics = await host.ManagementClient.GetStringAsync(new Uri("/metrics", UriKind.Relative));
        Assert.Contains("githubsts_policy_check_runs_total{conclusion=\"not_permitted\"} 1", metrics, StringComparison.Ordinal);
    }

    private static int LineOf(string text, string key) =>
        text.Split('\n').Select((line, i) => (line, i)).First(l => l.line.TrimStart().StartsWith(key, StringComparison.Ordinal)).i + 1;
}
