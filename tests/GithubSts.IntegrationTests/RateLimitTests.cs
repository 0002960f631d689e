using GithubSts.IntegrationTests.Infrastructure;

namespace GithubSts.IntegrationTests;

/// <summary>The optional per-client limit: 429 with Retry-After before any token check; health is never limited.</summary>
public sealed class RateLimitTests
{
    [Fact]
    public async Task A_client_over_its_budget_gets_429_and_health_stays_available()
    {
        await using var host = await StsTestHost.StartAsync(env =>
        {
            env["GITHUBSTS_LIMITS_RATE_LIMIT_ENABLED"] = "true";
            env["GITHUBSTS_LIMITS_RATE_LIMIT_PERMITS_PER_SECOND"] = "1";
            env["GITHUBSTS_LIMITS_RATE_LIMIT_BURST"] = "3";
        });
        host.StartTest();
        host.SetPolicy("ci", StsTestHost.Policy());

        using (var warm = await host.ExchangeAsync(host.Issuer.CreateToken()))
        {
            await warm.AssertSuccessAsync();
        }

        // A burst of 10 at once against a bucket of 3 (refilling 1/s): most are refused before any work is done.
        var tokens = Enumerable.Range(0, 10).Select(_ => host.Issuer.CreateToken()).ToList();
        var responses = await Task.WhenAll(tokens.Select(t => host.ExchangeAsync(t)));
        var limited = responses.Where(r => (int)r.StatusCode == 429).ToList();
        Assert.InRange(limited.Count, 6, 10);
        await limited[0].AssertErrorAsync(429, "rate_limited");
        Assert.True(limited[0].Headers.RetryAfter?.Delta >= TimeSpan.FromSeconds(1));
        Assert.Equal(10 - limited.Count + 1, host.IssuedMints().Count);
        foreach (var response in responses)
        {
            response.Dispose();
        }

        for (var i = 0; i < 5; i++)
        {
            using var health = await host.Client.GetAsync("/healthz");
            await health.AssertSuccessAsync();
        }
    }

    [Fact]
    public async Task Rate_limiting_is_off_by_default()
    {
        await using var host = await StsTestHost.StartAsync();
        for (var i = 0; i < 30; i++)
        {
            using var response = await host.ExchangeAsync("not-a-jwt");
            await response.AssertErrorAsync(401, "invalid_token");
        }
    }
}
