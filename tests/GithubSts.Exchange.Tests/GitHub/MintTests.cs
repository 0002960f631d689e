using GithubSts.Exchange.GitHub;
using GithubSts.Testing.GitHub;
using Microsoft.Extensions.Logging;

namespace GithubSts.Exchange.Tests.GitHub;

public sealed class MintTests : IAsyncLifetime
{
    private GitHubTestBed _bed = null!;

    public async Task InitializeAsync() => _bed = await GitHubTestBed.StartAsync();

    public async Task DisposeAsync() => await _bed.DisposeAsync();

    [Fact]
    public async Task Request_body_is_exactly_the_requested_permissions_and_repositories_H01()
    {
        var token = await Mint(GitHubTestBed.Permissions(("issues", "write"), ("contents", "read")), ["app"]);

        var mint = Assert.Single(_bed.Simulator.Mints);
        Assert.Equal("""{"permissions":{"contents":"read","issues":"write"},"repositories":["app"]}""", mint.RequestJson);
        Assert.Equal(mint.Token, token.Token);
        Assert.Equal("read", token.Permissions["contents"]);
        Assert.Equal("write", token.Permissions["issues"]);
        Assert.Equal(["app"], token.Repositories);
        Assert.Equal("selected", token.RepositorySelection);
        Assert.InRange(token.ExpiresAt - DateTimeOffset.UtcNow, TimeSpan.FromMinutes(59), TimeSpan.FromMinutes(61));
    }

    [Fact]
    public async Task Null_repositories_are_omitted_for_a_deliberate_org_wide_grant()
    {
        var token = await Mint(GitHubTestBed.Permissions(("contents", "read")), repositories: null);

        var mint = Assert.Single(_bed.Simulator.Mints);
        Assert.Equal("""{"permissions":{"contents":"read"}}""", mint.RequestJson);
        Assert.Null(mint.RequestedRepositories);
        Assert.Equal("all", token.RepositorySelection);
    }

    [Fact]
    public async Task Standard_headers_are_sent()
    {
        await Mint(GitHubTestBed.Permissions(("contents", "read")), ["app"]);

        var request = Assert.Single(_bed.Simulator.Requests);
        Assert.Equal("POST", request.Method);
        Assert.Equal("application/vnd.github+json", request.Accept);
        Assert.Equal("2022-11-28", request.ApiVersion);
        Assert.Equal("github-sts", request.UserAgent);
        Assert.Equal("Bearer", request.AuthorizationScheme);
    }

    [Theory]
    [InlineData(true, false)]
    [InlineData(false, true)]
    public async Task Empty_permissions_or_repository_list_are_refused_locally(bool emptyPermissions, bool emptyRepositories)
    {
        var permissions = emptyPermissions ? GitHubTestBed.Permissions() : GitHubTestBed.Permissions(("contents", "read"));
        string[] repositories = emptyRepositories ? [] : ["app"];

        await Assert.ThrowsAsync<ArgumentException>(() => Mint(permissions, repositories));
        Assert.Equal(0, _bed.Simulator.RequestCount);
    }

    [Theory]
    [InlineData("contents", "execute", "app")]
    [InlineData("Contents", "read", "app")]
    [InlineData("contents", "read", "../x")]
    [InlineData("contents", "read", "acme/app")]
    public async Task Malformed_requests_are_refused_locally(string permission, string level, string repository)
    {
        await Assert.ThrowsAsync<ArgumentException>(() => Mint(GitHubTestBed.Permissions((permission, level)), [repository]));
        Assert.Equal(0, _bed.Simulator.RequestCount);
    }

    [Fact]
    public async Task Permission_beyond_the_installation_is_unprocessable_and_the_body_never_leaks()
    {
        var ex = await Assert.ThrowsAsync<GitHubUnprocessableException>(() =>
            Mint(GitHubTestBed.Permissions(("administration", "write")), ["app"]));

        Assert.Equal(422, ex.StatusCode);
        Assert.DoesNotContain(GitHubFault.SecretBodyMarker, ex.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(_bed.Logs.MessagesAtOrAbove(LogLevel.Information), m => m.Contains(GitHubFault.SecretBodyMarker, StringComparison.Ordinal));
        // It is available to an operator at Debug level only.
        Assert.Contains(_bed.Logs.Entries, e => e.Level == LogLevel.Debug && e.Message.Contains(GitHubFault.SecretBodyMarker, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Broader_permission_in_the_answer_is_revoked_H11()
    {
        _bed.Simulator.MintTampering = new MintTampering { ExtraPermissions = GitHubTestBed.Permissions(("administration", "write")) };

        await Assert.ThrowsAsync<GitHubUnavailableException>(() => Mint(GitHubTestBed.Permissions(("contents", "read")), ["app"]));

        AssertMintedTokenWasRevoked();
    }

    [Fact]
    public async Task Higher_level_in_the_answer_is_revoked_H11()
    {
        _bed.Simulator.MintTampering = new MintTampering { ExtraPermissions = GitHubTestBed.Permissions(("contents", "write")) };

        await Assert.ThrowsAsync<GitHubUnavailableException>(() => Mint(GitHubTestBed.Permissions(("contents", "read")), ["app"]));

        AssertMintedTokenWasRevoked();
    }

    [Fact]
    public async Task Extra_repository_in_the_answer_is_revoked_H11()
    {
        _bed.Simulator.MintTampering = new MintTampering { ExtraRepositories = ["infra"] };

        await Assert.ThrowsAsync<GitHubUnavailableException>(() => Mint(GitHubTestBed.Permissions(("contents", "read")), ["app"]));

        AssertMintedTokenWasRevoked();
    }

    [Fact]
    public async Task All_repositories_in_the_answer_is_revoked_when_a_list_was_requested_H11()
    {
        _bed.Simulator.MintTampering = new MintTampering { ReportAllRepositories = true };

        await Assert.ThrowsAsync<GitHubUnavailableException>(() => Mint(GitHubTestBed.Permissions(("contents", "read")), ["app"]));

        AssertMintedTokenWasRevoked();
    }

    [Fact]
    public async Task Metadata_read_that_github_always_adds_is_accepted()
    {
        var token = await Mint(GitHubTestBed.Permissions(("contents", "read")), ["app"]);

        Assert.Equal("read", token.Permissions["metadata"]);
        Assert.Empty(_bed.Simulator.Revocations);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Empty_or_missing_token_is_an_upstream_failure_H12(bool empty)
    {
        _bed.Simulator.MintTampering = empty ? new MintTampering { EmptyToken = true } : new MintTampering { OmitToken = true };

        await Assert.ThrowsAsync<GitHubUnavailableException>(() => Mint(GitHubTestBed.Permissions(("contents", "read")), ["app"]));
    }

    [Fact]
    public async Task Long_stateless_tokens_pass_through_unchanged_H13()
    {
        _bed.Simulator.StatelessTokenFormat = true;

        var token = await Mint(GitHubTestBed.Permissions(("contents", "read")), ["app"]);

        Assert.True(token.Token.Length > 100);
        Assert.Equal(Assert.Single(_bed.Simulator.Mints).Token, token.Token);
    }

    [Fact]
    public async Task Installation_gone_forgets_the_cached_id()
    {
        var id = await _bed.Client.GetInstallationIdAsync(_bed.App, GitHubTestBed.Org, null, default);
        _bed.Simulator.RemoveInstallation(id);

        await Assert.ThrowsAsync<GitHubNotFoundException>(() => Mint(GitHubTestBed.Permissions(("contents", "read")), ["app"]));
        _bed.Simulator.Reset();

        await Assert.ThrowsAsync<GitHubNotFoundException>(() => _bed.Client.GetInstallationIdAsync(_bed.App, GitHubTestBed.Org, null, default));
        Assert.True(_bed.Simulator.GetRequestCount(GitHubEndpointKind.Installation) > 0);
    }

    [Fact]
    public async Task Mint_is_never_retried()
    {
        _bed.Simulator.FailNext(GitHubEndpointKind.Mint, GitHubFault.Status(502));

        var ex = await Assert.ThrowsAsync<GitHubUnavailableException>(() => Mint(GitHubTestBed.Permissions(("contents", "read")), ["app"]));

        Assert.Equal(502, ex.StatusCode);
        Assert.Equal(1, _bed.Simulator.GetRequestCount(GitHubEndpointKind.Mint));
    }

    [Fact]
    public async Task Token_is_kept_out_of_the_record_text()
    {
        var token = await Mint(GitHubTestBed.Permissions(("contents", "read")), ["app"]);
        Assert.DoesNotContain(token.Token, token.ToString(), StringComparison.Ordinal);
    }

    private Task<InstallationToken> Mint(IReadOnlyDictionary<string, string> permissions, IReadOnlyList<string>? repositories) =>
        _bed.Client.CreateInstallationTokenAsync(_bed.App, _bed.OrgInstallationId, permissions, repositories, default);

    private void AssertMintedTokenWasRevoked()
    {
        var mint = Assert.Single(_bed.Simulator.Mints);
        Assert.Equal(mint.Token, Assert.Single(_bed.Simulator.Revocations).Token);
        Assert.True(_bed.Simulator.IsRevoked(mint.Token));
    }
}
