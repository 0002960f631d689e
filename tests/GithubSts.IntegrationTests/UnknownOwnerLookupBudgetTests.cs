using System.Net;
using GithubSts.IntegrationTests.Infrastructure;
using GithubSts.Testing.GitHub;

namespace GithubSts.IntegrationTests;

/// <summary>
/// A caller with a valid token who varies the owner: every owner whose installation is not cached costs an App-JWT
/// lookup, so those lookups share one budget for the whole service however many owners are tried.
/// </summary>
public sealed class UnknownOwnerLookupBudgetTests
{
    private const int Budget = 5;

    [Fact]
    public async Task Random_owners_cost_a_bounded_number_of_installation_lookups()
    {
        await using var host = await StsTestHost.StartAsync(env =>
        {
            env["GITHUBSTS_POLICIES_CACHE_TTL_SECONDS"] = "0";
            env["GITHUBSTS_POLICIES_UNKNOWN_OWNER_LOOKUPS_PER_MINUTE"] = Budget.ToString(System.Globalization.CultureInfo.InvariantCulture);
        });
        host.StartTest();
        host.SetPolicy("ci", StsTestHost.Policy());

        // The real owner is looked up (and cached) before the flood: it takes one of the budget's lookups.
        using (var first = await host.ExchangeAsync(host.Issuer.CreateToken()))
        {
            await first.AssertSuccessAsync();
        }

        var before = host.GitHub.GetRequestCount(GitHubEndpointKind.Installation);
        var limited = 0;
        const int Owners = 30;
        for (var i = 0; i < Owners; i++)
        {
            var owner = (i % 3) switch
            {
                0 => "rnd-" + Guid.NewGuid().ToString("N")[..12],
                1 => "Org" + i,
                _ => "user-" + i,
            };
            using var response = await host.ExchangeAsync(host.Issuer.CreateToken(), scope: $"{owner}/repo");
            Assert.NotEqual(HttpStatusCode.OK, response.StatusCode);
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                await response.AssertErrorAsync(429, "rate_limited");
                Assert.InRange(response.Headers.RetryAfter!.Delta!.Value.TotalSeconds, 1, 60);
                limited++;
            }
        }

        // At most Budget - 1 owners were looked up (repository, organization and user installation: 3 calls each).
        Assert.Equal(Owners - (Budget - 1), limited);
        Assert.InRange(host.GitHub.GetRequestCount(GitHubEndpointKind.Installation) - before, 1, (Budget - 1) * 3);
        Assert.Single(host.IssuedMints());

        // An owner whose installation is cached is not charged: it still reads its policy and mints.
        var lookups = host.GitHub.GetRequestCount(GitHubEndpointKind.Installation);
        using var known = await host.ExchangeAsync(host.Issuer.CreateToken());
        await known.AssertSuccessAsync();
        Assert.Equal(lookups, host.GitHub.GetRequestCount(GitHubEndpointKind.Installation));
        Assert.Equal(2, host.IssuedMints().Count);
    }
}
