using GithubSts.IntegrationTests.Infrastructure;

namespace GithubSts.IntegrationTests;

/// <summary>
/// A fresh replica hit by a burst (a CI fan-out right after a rollout): every exchange of the burst must succeed while
/// the issuer metadata, the installation and the repository policy are loaded for the first time.
/// </summary>
public sealed class ColdStartConcurrencyTests
{
    [Fact]
    public async Task A_burst_of_first_exchanges_on_a_fresh_service_all_succeed()
    {
        await using var host = await StsTestHost.StartAsync();
        host.SetPolicy("ci", """
            issuer_pattern: http://127\.0\.0\.1:[0-9]+
            subject_pattern: repo:octo-org/octo-repo:ref:refs/heads/feature-[0-9]+
            permissions:
              contents: read
            """);
        host.StartTest();
        var tokens = Enumerable.Range(0, 48).Select(i => host.Issuer.CreateToken(t => t.Subject = $"repo:octo-org/octo-repo:ref:refs/heads/feature-{i}")).ToList();

        var responses = await Task.WhenAll(tokens.Select(async token =>
        {
            using var response = await host.ExchangeAsync(token);
            return ((int)response.StatusCode, await response.Content.ReadAsStringAsync());
        }));

        Assert.All(responses, r => Assert.True(r.Item1 == 200, $"{r.Item1}: {r.Item2}"));
        Assert.Equal(48, host.IssuedMints().Count);
    }
}
