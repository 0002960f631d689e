using GithubSts.Exchange.GitHub;
using GithubSts.Testing.GitHub;
using Microsoft.Extensions.Logging;

namespace GithubSts.Exchange.Tests.GitHub;

public sealed class TransportTests : IAsyncLifetime
{
    private GitHubTestBed _bed = null!;

    public async Task InitializeAsync() => _bed = await GitHubTestBed.StartAsync();

    public async Task DisposeAsync() => await _bed.DisposeAsync();

    [Fact]
    public async Task Get_app_returns_id_and_slug()
    {
        var app = await _bed.Client.GetAppAsync(_bed.App, default);

        Assert.Equal(new GitHubAppInfo(GitHubTestBed.AppId, GitHubTestBed.AppSlug), app);
    }

    [Fact]
    public async Task Repeated_server_errors_surface_without_the_upstream_body_J02()
    {
        _bed.Simulator.FailNext(GitHubEndpointKind.App, GitHubFault.Status(500), count: 2);

        var ex = await Assert.ThrowsAsync<GitHubUnavailableException>(() => _bed.Client.GetAppAsync(_bed.App, default));

        Assert.Equal(500, ex.StatusCode);
        Assert.DoesNotContain(GitHubFault.SecretBodyMarker, ex.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(_bed.Logs.MessagesAtOrAbove(LogLevel.Information), m => m.Contains(GitHubFault.SecretBodyMarker, StringComparison.Ordinal));
        Assert.Equal(2, _bed.Simulator.GetRequestCount(GitHubEndpointKind.App));
    }

    [Fact]
    public async Task Refused_app_jwt_is_an_authentication_failure_K03()
    {
        using var otherKey = TestAppKey.Create();
        var impostor = new GitHubAppCredentials("impostor", GitHubTestBed.AppId, otherKey.Key, _bed.Simulator.ApiUrl);

        var ex = await Assert.ThrowsAsync<GitHubAuthenticationException>(() => _bed.Client.GetAppAsync(impostor, default));

        Assert.Equal(401, ex.StatusCode);
    }

    [Fact]
    public async Task App_jwt_from_a_skewed_clock_is_refused_by_the_simulator()
    {
        var skewed = new ManualClock(DateTimeOffset.UtcNow.AddMinutes(-20));
        var client = new GitHubApiClient(_bed.Http, new AppJwtFactory(skewed), skewed, _bed.Logs);

        await Assert.ThrowsAsync<GitHubAuthenticationException>(() => client.GetAppAsync(_bed.App, default));
    }

    [Fact]
    public async Task Slow_github_times_out_as_unavailable()
    {
        var client = new GitHubApiClient(
            _bed.Http, _bed.Jwt, TimeProvider.System, _bed.Logs, new GitHubClientOptions { RequestTimeout = TimeSpan.FromMilliseconds(300) });
        _bed.Simulator.SetLatency(GitHubEndpointKind.App, TimeSpan.FromSeconds(5));

        var started = DateTimeOffset.UtcNow;
        await Assert.ThrowsAsync<GitHubUnavailableException>(() => client.GetAppAsync(_bed.App, default));
        Assert.True(DateTimeOffset.UtcNow - started < TimeSpan.FromSeconds(3));
    }

    [Fact]
    public async Task Caller_cancellation_is_not_reported_as_unavailable()
    {
        _bed.Simulator.SetLatency(GitHubEndpointKind.App, TimeSpan.FromSeconds(5));
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => _bed.Client.GetAppAsync(_bed.App, cancel.Token));
    }

    [Fact]
    public async Task Redirects_are_not_followed()
    {
        _bed.Simulator.FailNext(GitHubEndpointKind.App, new GitHubFault(301, new Dictionary<string, string> { ["Location"] = "http://127.0.0.1:1/steal" }));

        var ex = await Assert.ThrowsAsync<GitHubApiException>(() => _bed.Client.GetAppAsync(_bed.App, default));

        Assert.Equal(301, ex.StatusCode);
    }

    [Fact]
    public async Task Malformed_json_is_unavailable()
    {
        _bed.Simulator.FailNext(GitHubEndpointKind.App, new GitHubFault(200, Body: "{not json"));

        await Assert.ThrowsAsync<GitHubUnavailableException>(() => _bed.Client.GetAppAsync(_bed.App, default));
    }

    [Fact]
    public async Task Revocation_succeeds_with_204_and_the_token_stops_working()
    {
        var token = await _bed.MintReadTokenAsync("app");

        await _bed.Client.RevokeInstallationTokenAsync(_bed.App, token, default);

        Assert.Equal(token, Assert.Single(_bed.Simulator.Revocations).Token);
        Assert.True(_bed.Simulator.IsRevoked(token));
    }

    [Fact]
    public async Task Revoking_an_already_revoked_token_is_not_an_error()
    {
        var token = await _bed.MintReadTokenAsync("app");
        await _bed.Client.RevokeInstallationTokenAsync(_bed.App, token, default);

        await _bed.Client.RevokeInstallationTokenAsync(_bed.App, token, default);

        Assert.Single(_bed.Simulator.Revocations);
    }

    [Fact]
    public async Task Revocation_failure_is_reported()
    {
        var token = await _bed.MintReadTokenAsync("app");
        _bed.Simulator.FailNext(GitHubEndpointKind.Revoke, GitHubFault.Status(503), count: 2);

        await Assert.ThrowsAsync<GitHubUnavailableException>(() => _bed.Client.RevokeInstallationTokenAsync(_bed.App, token, default));
        Assert.False(_bed.Simulator.IsRevoked(token));
    }

    [Fact]
    public async Task Enterprise_server_path_base_is_honoured()
    {
        await using var ghes = await GitHubTestBed.StartAsync(pathBase: "/api/v3");

        Assert.EndsWith("/api/v3/", ghes.App.ApiBaseUrl.AbsoluteUri, StringComparison.Ordinal);
        await ghes.Client.GetAppAsync(ghes.App, default);
        Assert.Equal(ghes.OrgInstallationId, await ghes.Client.GetInstallationIdAsync(ghes.App, GitHubTestBed.Org, "app", default));
        Assert.All(ghes.Simulator.Requests, r => Assert.StartsWith("/api/v3/", r.RawTarget, StringComparison.Ordinal));
    }
}
