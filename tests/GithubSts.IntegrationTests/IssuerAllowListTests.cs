using System.Collections.Concurrent;
using GithubSts.IntegrationTests.Infrastructure;
using GithubSts.Testing.Oidc;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace GithubSts.IntegrationTests;

/// <summary>
/// Issue 9 §5.1 over HTTP: only listed issuers are trusted unless "any issuer" is set explicitly (and then loudly), and
/// no flood of other issuers can push a listed issuer's keys out of the cache before that issuer has an outage.
/// </summary>
public sealed class IssuerAllowListTests
{
    [Fact]
    public async Task A_flood_of_unlisted_issuers_is_refused_unseen_and_the_listed_issuer_survives_its_outage()
    {
        await using var host = await StsTestHost.StartAsync();
        host.StartTest();
        host.SetPolicy("flood", StsTestHost.Policy());
        using (var warm = await host.ExchangeAsync(host.Issuer.CreateToken(), identity: "flood"))
        {
            await warm.AssertSuccessAsync();
        }

        await using var canary = await TestOidcIssuer.StartCanaryAsync();
        var issuers = Enumerable.Range(0, 150).Select(i => (i % 3) switch
        {
            0 => $"https://issuer-{i}.attacker.example",
            1 => $"{canary.Url}/tenant-{i}",
            _ => $"https://token.actions.githubusercontent.com/{i}",
        });
        var responses = await Task.WhenAll(issuers.Select(i => host.ExchangeAsync(host.Issuer.CreateToken(t => t.Issuer = i), identity: "flood")));
        foreach (var response in responses)
        {
            await response.AssertErrorAsync(401, "invalid_token");
            response.Dispose();
        }

        Assert.Equal(0, canary.Requests);

        host.Issuer.DiscoveryFaults.StatusCode = 503;
        host.Issuer.JwksFaults.StatusCode = 503;
        for (var i = 0; i < 3; i++)
        {
            using var response = await host.ExchangeAsync(host.Issuer.CreateToken(), identity: "flood");
            await response.AssertSuccessAsync();
        }

        Assert.Equal(4, host.IssuedMints().Count);
    }

    [Fact]
    public async Task With_allow_any_a_flood_of_other_issuers_cannot_evict_a_listed_issuer()
    {
        var log = new CapturingLoggerProvider();
        await using var host = await StsTestHost.StartAsync(
            env => env["GITHUBSTS_STS_ALLOW_ANY_ISSUER"] = "true",
            services => services.AddSingleton<ILoggerProvider>(log));
        host.StartTest();
        host.SetPolicy("flood", StsTestHost.Policy());
        using (var warm = await host.ExchangeAsync(host.Issuer.CreateToken(), identity: "flood"))
        {
            await warm.AssertSuccessAsync();
        }

        // More distinct issuers than the bounded cache holds (100); they cannot be fetched (reserved .example names).
        var responses = await Task.WhenAll(Enumerable.Range(0, 150)
            .Select(i => host.ExchangeAsync(host.Issuer.CreateToken(t => t.Issuer = $"https://flood-{i}.example"), identity: "flood")));
        foreach (var response in responses)
        {
            await response.AssertErrorAsync(503, "temporarily_unavailable");
            response.Dispose();
        }

        host.Issuer.DiscoveryFaults.StatusCode = 503;
        host.Issuer.JwksFaults.StatusCode = 503;
        using (var after = await host.ExchangeAsync(host.Issuer.CreateToken(), identity: "flood"))
        {
            await after.AssertSuccessAsync();
        }

        Assert.Equal(2, host.IssuedMints().Count);
        var warning = Assert.Single(log.Entries, e => e.Level == LogLevel.Warning && e.Message.Contains("sts.allowAnyIssuer is true", StringComparison.Ordinal));
        Assert.Contains("ANY https issuer", warning.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_listed_issuer_is_logged_at_startup_and_nothing_warns()
    {
        var log = new CapturingLoggerProvider();
        await using var host = await StsTestHost.StartAsync(services: services => services.AddSingleton<ILoggerProvider>(log));
        Assert.Contains(log.Entries, e => e.Level == LogLevel.Information && e.Message.Contains(host.Issuer.Iss, StringComparison.Ordinal));
        Assert.DoesNotContain(log.Entries, e => e.Message.Contains("allowAnyIssuer", StringComparison.Ordinal));
    }
}
