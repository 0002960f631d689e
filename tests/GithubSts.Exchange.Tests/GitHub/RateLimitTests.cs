using GithubSts.Exchange.GitHub;
using GithubSts.Testing.GitHub;

namespace GithubSts.Exchange.Tests.GitHub;

public sealed class RateLimitTests : IAsyncLifetime
{
    private GitHubTestBed _bed = null!;

    public async Task InitializeAsync() => _bed = await GitHubTestBed.StartAsync();

    public async Task DisposeAsync() => await _bed.DisposeAsync();

    [Fact]
    public async Task Plain_403_is_a_permission_failure_not_a_rate_limit_K04()
    {
        _bed.Simulator.FailNext(GitHubEndpointKind.App, GitHubFault.Status(403));

        var ex = await Assert.ThrowsAsync<GitHubApiException>(() => _bed.Client.GetAppAsync(_bed.App, default));

        Assert.Equal(403, ex.StatusCode);
        Assert.DoesNotContain(GitHubFault.SecretBodyMarker, ex.ToString(), StringComparison.Ordinal);
        // Nothing is paused: the next call goes out.
        await _bed.Client.GetAppAsync(_bed.App, default);
        Assert.Equal(2, _bed.Simulator.GetRequestCount(GitHubEndpointKind.App));
    }

    [Fact]
    public async Task Forbidden_with_exhausted_quota_is_a_rate_limit_until_reset_K04()
    {
        _bed.Simulator.FailNext(GitHubEndpointKind.App, GitHubFault.PrimaryRateLimit(_bed.Clock.GetUtcNow().AddSeconds(120)));

        var ex = await Assert.ThrowsAsync<GitHubRateLimitedException>(() => _bed.Client.GetAppAsync(_bed.App, default));

        Assert.Equal(403, ex.StatusCode);
        Assert.InRange(ex.RetryAfter, TimeSpan.FromSeconds(118), TimeSpan.FromSeconds(120));
    }

    [Fact]
    public async Task Forbidden_with_retry_after_is_a_rate_limit_K04()
    {
        _bed.Simulator.FailNext(GitHubEndpointKind.App, GitHubFault.SecondaryRateLimit(TimeSpan.FromSeconds(60)));

        var ex = await Assert.ThrowsAsync<GitHubRateLimitedException>(() => _bed.Client.GetAppAsync(_bed.App, default));

        Assert.Equal(TimeSpan.FromSeconds(60), ex.RetryAfter);
    }

    [Fact]
    public async Task Too_many_requests_without_headers_waits_the_default_minute_K04()
    {
        _bed.Simulator.FailNext(GitHubEndpointKind.App, GitHubFault.Status(429));

        var ex = await Assert.ThrowsAsync<GitHubRateLimitedException>(() => _bed.Client.GetAppAsync(_bed.App, default));

        Assert.Equal(429, ex.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(60), ex.RetryAfter);
    }

    [Fact]
    public async Task Forbidden_whose_message_names_a_secondary_rate_limit_is_a_rate_limit()
    {
        const string body = """{"message":"You have exceeded a secondary rate limit. Please wait a few minutes before you try again."}""";
        _bed.Simulator.FailNext(GitHubEndpointKind.App, new GitHubFault(403, Body: body));

        var ex = await Assert.ThrowsAsync<GitHubRateLimitedException>(() => _bed.Client.GetAppAsync(_bed.App, default));

        Assert.Equal(TimeSpan.FromSeconds(60), ex.RetryAfter);
    }

    [Fact]
    public async Task Retry_after_is_at_least_one_second()
    {
        _bed.Simulator.FailNext(GitHubEndpointKind.App, GitHubFault.SecondaryRateLimit(TimeSpan.Zero, statusCode: 429));

        var ex = await Assert.ThrowsAsync<GitHubRateLimitedException>(() => _bed.Client.GetAppAsync(_bed.App, default));

        Assert.Equal(TimeSpan.FromSeconds(1), ex.RetryAfter);
    }

    [Fact]
    public async Task No_request_is_sent_before_the_quota_resets_K05()
    {
        _bed.Simulator.FailNext(GitHubEndpointKind.Mint, GitHubFault.PrimaryRateLimit(_bed.Clock.GetUtcNow().AddSeconds(120)));
        await Assert.ThrowsAsync<GitHubRateLimitedException>(MintAsync);
        _bed.Simulator.Reset();

        _bed.Clock.Advance(TimeSpan.FromSeconds(60));
        var refused = await Assert.ThrowsAsync<GitHubRateLimitedException>(() => _bed.Client.GetAppAsync(_bed.App, default));
        Assert.InRange(refused.RetryAfter, TimeSpan.FromSeconds(58), TimeSpan.FromSeconds(60));
        Assert.Null(refused.StatusCode);
        await Assert.ThrowsAsync<GitHubRateLimitedException>(MintAsync);
        Assert.Equal(0, _bed.Simulator.RequestCount);

        _bed.Clock.Advance(TimeSpan.FromSeconds(61));
        await MintAsync();
        Assert.Equal(1, _bed.Simulator.RequestCount);
    }

    [Fact]
    public async Task No_request_is_sent_before_retry_after_passes_K06()
    {
        _bed.Simulator.FailNext(GitHubEndpointKind.Installation, GitHubFault.SecondaryRateLimit(TimeSpan.FromSeconds(60), statusCode: 429));
        await Assert.ThrowsAsync<GitHubRateLimitedException>(() => _bed.Client.GetInstallationIdAsync(_bed.App, GitHubTestBed.Org, null, default));
        _bed.Simulator.Reset();

        _bed.Clock.Advance(TimeSpan.FromSeconds(59));
        var refused = await Assert.ThrowsAsync<GitHubRateLimitedException>(() => _bed.Client.GetInstallationIdAsync(_bed.App, GitHubTestBed.Org, null, default));
        Assert.Equal(TimeSpan.FromSeconds(1), refused.RetryAfter);
        Assert.Equal(0, _bed.Simulator.RequestCount);

        _bed.Clock.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal(_bed.OrgInstallationId, await _bed.Client.GetInstallationIdAsync(_bed.App, GitHubTestBed.Org, null, default));
    }

    [Fact]
    public async Task Exhausted_quota_on_a_successful_answer_pauses_the_next_call()
    {
        _bed.Simulator.RateLimitRemaining = 0;
        await _bed.Client.GetAppAsync(_bed.App, default);
        _bed.Simulator.Reset();

        await Assert.ThrowsAsync<GitHubRateLimitedException>(() => _bed.Client.GetAppAsync(_bed.App, default));
        Assert.Equal(0, _bed.Simulator.RequestCount);
    }

    [Fact]
    public async Task Installation_quota_pause_is_per_owner()
    {
        _bed.Simulator.SetFile(GitHubTestBed.Org, "app", "a.yaml", "a");
        var token = await _bed.MintReadTokenAsync("app");
        _bed.Simulator.FailNext(GitHubEndpointKind.Contents, GitHubFault.SecondaryRateLimit(TimeSpan.FromSeconds(30)));
        await Assert.ThrowsAsync<GitHubRateLimitedException>(() => ReadAsync(token, GitHubTestBed.Org));
        _bed.Simulator.Reset();

        await Assert.ThrowsAsync<GitHubRateLimitedException>(() => ReadAsync(token, "ACME"));
        Assert.Equal(0, _bed.Simulator.RequestCount);

        // Another owner's installation and the App's own quota are unaffected.
        Assert.Null(await ReadAsync(token, GitHubTestBed.User));
        await _bed.Client.GetAppAsync(_bed.App, default);
        Assert.Equal(2, _bed.Simulator.RequestCount);
    }

    [Fact]
    public async Task Remaining_quota_is_tracked_for_app_calls()
    {
        Assert.Null(_bed.Client.GetRateLimitRemaining(_bed.App));
        _bed.Simulator.RateLimitRemaining = 4321;

        await _bed.Client.GetAppAsync(_bed.App, default);

        Assert.Equal(4321, _bed.Client.GetRateLimitRemaining(_bed.App));
    }

    [Fact]
    public async Task Remaining_quota_is_read_from_failed_answers_too()
    {
        _bed.Simulator.RateLimitRemaining = 17;
        _bed.Simulator.FailNext(GitHubEndpointKind.App, GitHubFault.Status(404));

        await Assert.ThrowsAsync<GitHubNotFoundException>(() => _bed.Client.GetAppAsync(_bed.App, default));

        Assert.Equal(17, _bed.Client.GetRateLimitRemaining(_bed.App));
    }

    private Task<InstallationToken> MintAsync() => _bed.Client.CreateInstallationTokenAsync(
        _bed.App, _bed.OrgInstallationId, GitHubTestBed.Permissions(("contents", "read")), ["app"], default);

    private Task<string?> ReadAsync(string token, string owner) =>
        _bed.Client.GetRepositoryFileAsync(_bed.App, token, owner, "app", "a.yaml", 1024, default);
}
