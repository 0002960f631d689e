using GithubSts.Exchange.GitHub;
using GithubSts.Testing.GitHub;

namespace GithubSts.Exchange.Tests.GitHub;

public sealed class ContentsTests : IAsyncLifetime
{
    private const string PolicyPath = ".github/sts/deploy.sts.yaml";
    private const string Policy = "issuer: https://token.actions.githubusercontent.com\nsubject: repo:acme/app:ref:refs/heads/main # ünïcode\n";
    private GitHubTestBed _bed = null!;
    private string _token = null!;

    public async Task InitializeAsync()
    {
        _bed = await GitHubTestBed.StartAsync();
        _bed.Simulator.SetFile(GitHubTestBed.Org, ".github", PolicyPath, Policy);
        _token = await _bed.MintReadTokenAsync(".github");
        _bed.Simulator.Reset();
    }

    public async Task DisposeAsync() => await _bed.DisposeAsync();

    [Fact]
    public async Task Reads_the_raw_file_from_the_default_branch()
    {
        Assert.Equal(Policy, await ReadAsync(PolicyPath));

        var request = Assert.Single(_bed.Simulator.Requests);
        Assert.Equal("application/vnd.github.raw+json", request.Accept);
        Assert.Equal("Bearer", request.AuthorizationScheme);
        Assert.Equal("/repos/acme/.github/contents/.github/sts/deploy.sts.yaml", request.RawTarget);
    }

    [Fact]
    public async Task Missing_file_is_null()
    {
        Assert.Null(await ReadAsync(".github/sts/absent.sts.yaml"));
    }

    [Fact]
    public async Task Directory_is_null_G08()
    {
        Assert.Null(await ReadAsync(".github/sts"));
    }

    [Fact]
    public async Task File_only_on_another_branch_is_not_found_and_no_ref_is_ever_sent_G07()
    {
        _bed.Simulator.SetFile(GitHubTestBed.Org, ".github", ".github/sts/branch-only.sts.yaml", "evil", branch: "evil-branch");

        Assert.Null(await ReadAsync(".github/sts/branch-only.sts.yaml"));
        await ReadAsync(PolicyPath);

        Assert.All(_bed.Simulator.ContentReads, read => Assert.Equal(string.Empty, read.Query));
    }

    [Fact]
    public async Task Oversized_file_is_aborted()
    {
        _bed.Simulator.SetFile(GitHubTestBed.Org, ".github", "big.yaml", new string('x', 64 * 1024));

        await Assert.ThrowsAsync<GitHubApiException>(() => ReadAsync("big.yaml", maxBytes: 1024));
    }

    [Fact]
    public async Task File_exactly_at_the_limit_is_read()
    {
        _bed.Simulator.SetFile(GitHubTestBed.Org, ".github", "exact.yaml", new string('x', 1024));

        Assert.Equal(1024, (await ReadAsync("exact.yaml", maxBytes: 1024))!.Length);
    }

    [Fact]
    public async Task Segments_are_percent_escaped()
    {
        _bed.Simulator.SetFile(GitHubTestBed.Org, ".github", "dir/my file+x.yaml", "ok");

        Assert.Equal("ok", await ReadAsync("dir/my file+x.yaml"));
        Assert.Equal("/repos/acme/.github/contents/dir/my%20file%2Bx.yaml", Assert.Single(_bed.Simulator.ContentReads).RawTarget);
    }

    [Theory]
    [InlineData("")]
    [InlineData("/x.yaml")]
    [InlineData("x/")]
    [InlineData("a//b")]
    [InlineData("..")]
    [InlineData("../x.yaml")]
    [InlineData(".github/../../other/x")]
    [InlineData("./x.yaml")]
    [InlineData("x.yaml?ref=evil-branch")]
    [InlineData("x.yaml#frag")]
    [InlineData("%2e%2e/x.yaml")]
    [InlineData("x%3Fref%3Devil")]
    [InlineData("a\\..\\b")]
    [InlineData("x\n.yaml")]
    [InlineData("x\0.yaml")]
    public async Task Unsafe_paths_are_rejected_before_any_request_G01_G02_G03(string path)
    {
        await Assert.ThrowsAsync<ArgumentException>(() => ReadAsync(path));
        Assert.Equal(0, _bed.Simulator.RequestCount);
    }

    [Theory]
    [InlineData("acme/x", ".github")]
    [InlineData("acme", "..")]
    [InlineData("acme", "r?x")]
    [InlineData("ac me", ".github")]
    public async Task Unsafe_owner_or_repository_is_rejected_before_any_request(string owner, string repository)
    {
        await Assert.ThrowsAsync<ArgumentException>(() =>
            _bed.Client.GetRepositoryFileAsync(_bed.App, _token, owner, repository, PolicyPath, 1024, default));
        Assert.Equal(0, _bed.Simulator.RequestCount);
    }

    [Fact]
    public async Task Repository_outside_the_token_is_null()
    {
        _bed.Simulator.SetFile(GitHubTestBed.Org, "infra", PolicyPath, Policy);

        Assert.Null(await _bed.Client.GetRepositoryFileAsync(_bed.App, _token, GitHubTestBed.Org, "infra", PolicyPath, 4096, default));
    }

    [Fact]
    public async Task Revoked_token_is_an_authentication_failure()
    {
        await _bed.Client.RevokeInstallationTokenAsync(_bed.App, _token, default);

        await Assert.ThrowsAsync<GitHubAuthenticationException>(() => ReadAsync(PolicyPath));
    }

    [Fact]
    public async Task Token_without_contents_permission_gets_a_plain_403()
    {
        var issuesOnly = await _bed.Client.CreateInstallationTokenAsync(
            _bed.App, _bed.OrgInstallationId, GitHubTestBed.Permissions(("issues", "read")), [".github"], default);

        var ex = await Assert.ThrowsAsync<GitHubApiException>(() =>
            _bed.Client.GetRepositoryFileAsync(_bed.App, issuesOnly.Token, GitHubTestBed.Org, ".github", PolicyPath, 4096, default));
        Assert.Equal(403, ex.StatusCode);
    }

    [Fact]
    public async Task A_server_error_is_retried_once()
    {
        _bed.Simulator.FailNext(GitHubEndpointKind.Contents, GitHubFault.Status(502));

        Assert.Equal(Policy, await ReadAsync(PolicyPath));
        Assert.Equal(2, _bed.Simulator.GetRequestCount(GitHubEndpointKind.Contents));
    }

    [Fact]
    public async Task A_dropped_connection_is_retried_once()
    {
        _bed.Simulator.FailNext(GitHubEndpointKind.Contents, GitHubFault.ConnectionDrop());

        Assert.Equal(Policy, await ReadAsync(PolicyPath));
    }

    private Task<string?> ReadAsync(string path, int maxBytes = 64 * 1024) =>
        _bed.Client.GetRepositoryFileAsync(_bed.App, _token, GitHubTestBed.Org, ".github", path, maxBytes, default);
}
