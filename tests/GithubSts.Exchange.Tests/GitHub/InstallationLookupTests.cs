using GithubSts.Exchange.GitHub;
using GithubSts.Testing.GitHub;

namespace GithubSts.Exchange.Tests.GitHub;

public sealed class InstallationLookupTests : IAsyncLifetime
{
    private GitHubTestBed _bed = null!;

    public async Task InitializeAsync() => _bed = await GitHubTestBed.StartAsync();

    public async Task DisposeAsync() => await _bed.DisposeAsync();

    [Fact]
    public async Task Repository_installation_is_asked_first()
    {
        var id = await _bed.Client.GetInstallationIdAsync(_bed.App, GitHubTestBed.Org, "app", default);

        Assert.Equal(_bed.OrgInstallationId, id);
        Assert.Equal(["/repos/acme/app/installation"], InstallationTargets());
    }

    [Fact]
    public async Task Falls_back_from_repository_to_organization()
    {
        var id = await _bed.Client.GetInstallationIdAsync(_bed.App, GitHubTestBed.Org, "not-installed-here", default);

        Assert.Equal(_bed.OrgInstallationId, id);
        Assert.Equal(["/repos/acme/not-installed-here/installation", "/orgs/acme/installation"], InstallationTargets());
    }

    [Fact]
    public async Task Falls_back_from_organization_to_user()
    {
        var id = await _bed.Client.GetInstallationIdAsync(_bed.App, GitHubTestBed.User, repository: null, default);

        Assert.Equal(_bed.UserInstallationId, id);
        Assert.Equal(["/orgs/octocat/installation", "/users/octocat/installation"], InstallationTargets());
    }

    [Fact]
    public async Task Second_lookup_is_served_from_cache_for_any_casing()
    {
        await _bed.Client.GetInstallationIdAsync(_bed.App, GitHubTestBed.Org, "app", default);
        _bed.Simulator.Reset();

        Assert.Equal(_bed.OrgInstallationId, await _bed.Client.GetInstallationIdAsync(_bed.App, "ACME", "other", default));
        Assert.Equal(0, _bed.Simulator.RequestCount);
    }

    [Fact]
    public async Task Positive_entry_expires_after_the_ttl()
    {
        await _bed.Client.GetInstallationIdAsync(_bed.App, GitHubTestBed.Org, null, default);
        _bed.Clock.Advance(TimeSpan.FromMinutes(10) + TimeSpan.FromSeconds(1));
        _bed.Simulator.Reset();

        await _bed.Client.GetInstallationIdAsync(_bed.App, GitHubTestBed.Org, null, default);
        Assert.Equal(1, _bed.Simulator.GetRequestCount(GitHubEndpointKind.Installation));
    }

    [Fact]
    public async Task Not_installed_is_cached_for_sixty_seconds()
    {
        await Assert.ThrowsAsync<GitHubNotFoundException>(() => _bed.Client.GetInstallationIdAsync(_bed.App, "stranger", "repo", default));
        Assert.Equal(3, _bed.Simulator.GetRequestCount(GitHubEndpointKind.Installation));
        _bed.Simulator.Reset();

        _bed.Clock.Advance(TimeSpan.FromSeconds(59));
        await Assert.ThrowsAsync<GitHubNotFoundException>(() => _bed.Client.GetInstallationIdAsync(_bed.App, "stranger", "repo", default));
        Assert.Equal(0, _bed.Simulator.RequestCount);

        _bed.Clock.Advance(TimeSpan.FromSeconds(2));
        await Assert.ThrowsAsync<GitHubNotFoundException>(() => _bed.Client.GetInstallationIdAsync(_bed.App, "stranger", "repo", default));
        Assert.Equal(3, _bed.Simulator.RequestCount);
    }

    [Fact]
    public async Task Forget_makes_the_next_lookup_ask_github()
    {
        await _bed.Client.GetInstallationIdAsync(_bed.App, GitHubTestBed.Org, null, default);
        _bed.Client.ForgetInstallation(_bed.App, "Acme");
        _bed.Simulator.Reset();

        await _bed.Client.GetInstallationIdAsync(_bed.App, GitHubTestBed.Org, null, default);
        Assert.Equal(1, _bed.Simulator.RequestCount);
    }

    [Fact]
    public async Task Concurrent_cold_lookups_share_one_round_trip()
    {
        _bed.Simulator.SetLatency(GitHubEndpointKind.Installation, TimeSpan.FromMilliseconds(200));

        var ids = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ =>
            _bed.Client.GetInstallationIdAsync(_bed.App, GitHubTestBed.Org, null, default)));

        Assert.All(ids, id => Assert.Equal(_bed.OrgInstallationId, id));
        Assert.Equal(1, _bed.Simulator.GetRequestCount(GitHubEndpointKind.Installation));
    }

    [Fact]
    public async Task Upstream_failure_during_lookup_is_not_cached_as_not_installed()
    {
        _bed.Simulator.FailNext(GitHubEndpointKind.Installation, GitHubFault.Status(500), count: 2);
        await Assert.ThrowsAsync<GitHubUnavailableException>(() => _bed.Client.GetInstallationIdAsync(_bed.App, GitHubTestBed.Org, null, default));

        Assert.Equal(_bed.OrgInstallationId, await _bed.Client.GetInstallationIdAsync(_bed.App, GitHubTestBed.Org, null, default));
    }

    [Theory]
    [InlineData("../x", null)]
    [InlineData("a/b", null)]
    [InlineData("a?ref=x", null)]
    [InlineData("", null)]
    [InlineData("acme", "..")]
    [InlineData("acme", "r/x")]
    [InlineData("acme", "r#x")]
    [InlineData("acme", "r%2e")]
    public async Task Unsafe_names_are_rejected_before_any_request(string owner, string? repository)
    {
        await Assert.ThrowsAsync<ArgumentException>(() => _bed.Client.GetInstallationIdAsync(_bed.App, owner, repository, default));
        Assert.Equal(0, _bed.Simulator.RequestCount);
    }

    private string[] InstallationTargets() =>
        [.. _bed.Simulator.Requests.Where(r => r.Kind == GitHubEndpointKind.Installation).Select(r => r.RawTarget)];
}
