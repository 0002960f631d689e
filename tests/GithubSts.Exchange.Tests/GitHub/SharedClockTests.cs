using GithubSts.Exchange.GitHub;
using GithubSts.Testing;
using GithubSts.Testing.GitHub;
using Microsoft.Extensions.Logging.Abstractions;

namespace GithubSts.Exchange.Tests.GitHub;

/// <summary>The simulator can run on the same manual clock as the service, so App JWTs and token expiry agree.</summary>
public sealed class SharedClockTests
{
    [Fact]
    public async Task Simulator_and_client_on_one_manual_clock_agree_on_jwt_and_token_times()
    {
        var clock = new ManualTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        await using var simulator = await GitHubSimulator.StartAsync(time: clock);
        simulator.AddApp(GitHubTestBed.AppId, GitHubTestBed.AppSlug, GitHubTestBed.Key.Key);
        var installationId = simulator.AddInstallation(
            GitHubTestBed.AppId, "acme", "Organization", ["app"], GitHubTestBed.Permissions(("contents", "read")));
        var app = new GitHubAppCredentials("app", GitHubTestBed.AppId, GitHubTestBed.Key.Key, simulator.ApiUrl);
        using var http = GitHubApiClient.CreateHttpClient();
        var client = new GitHubApiClient(
            http, new AppJwtFactory(clock), clock, NullLogger<GitHubApiClient>.Instance, new GitHubClientOptions { RetryDelay = TimeSpan.Zero });

        var token = await client.CreateInstallationTokenAsync(app, installationId, GitHubTestBed.Permissions(("contents", "read")), ["app"], default);

        Assert.Equal(clock.GetUtcNow().AddHours(1), token.ExpiresAt);
    }
}
