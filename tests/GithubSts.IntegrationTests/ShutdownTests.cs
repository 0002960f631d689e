using GithubSts.Exchange.Health;
using GithubSts.IntegrationTests.Infrastructure;
using GithubSts.Testing.GitHub;
using Microsoft.Extensions.DependencyInjection;

namespace GithubSts.IntegrationTests;

/// <summary>security.md L12: on shutdown readiness turns false at once and an in-flight exchange still completes.</summary>
public sealed class ShutdownTests
{
    [Fact]
    public async Task Readiness_turns_false_first_and_in_flight_exchanges_finish()
    {
        var host = await StsTestHost.StartAsync();
        try
        {
            host.SetPolicy("ci", StsTestHost.Policy());
            host.GitHub.SetLatency(GitHubEndpointKind.Mint, TimeSpan.FromSeconds(2));
            var readiness = host.Services.GetRequiredService<ServiceReadiness>();
            Assert.True(readiness.IsReady(out _));

            var inFlight = host.ExchangeAsync(host.Issuer.CreateToken());
            await Task.Delay(TimeSpan.FromMilliseconds(500));
            var stopping = host.StopServiceAsync();
            await Task.Delay(TimeSpan.FromMilliseconds(100));
            Assert.False(readiness.IsReady(out var reason));
            Assert.Equal("shutting down", reason);

            using var response = await inFlight;
            await response.AssertSuccessAsync();
            await stopping;
        }
        finally
        {
            await host.DisposeAsync();
        }
    }
}
