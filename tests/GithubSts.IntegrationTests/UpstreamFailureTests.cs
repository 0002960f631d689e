using GithubSts.IntegrationTests.Infrastructure;
using GithubSts.Testing.GitHub;

namespace GithubSts.IntegrationTests;

/// <summary>
/// GitHub and IdP failures (security.md §5.I, §5.K, §5.L): the caller gets a retryable status, never "invalid token",
/// never an upstream body, and nothing is issued. Each test owns its host because rate-limit pauses are sticky.
/// </summary>
public sealed class UpstreamFailureTests
{
    [Fact]
    public async Task K05_github_rate_limit_on_mint_is_429_with_retry_after_and_later_calls_wait_locally()
    {
        await using var host = await StartWithPolicyAsync();
        host.GitHub.FailNext(GitHubEndpointKind.Mint, GitHubFault.PrimaryRateLimit(DateTimeOffset.UtcNow.AddSeconds(120)));

        using var limited = await host.ExchangeAsync(host.Issuer.CreateToken());
        await limited.AssertErrorAsync(429, "rate_limited");
        Assert.InRange(limited.Headers.RetryAfter!.Delta!.Value.TotalSeconds, 100, 121);

        var mintCalls = host.GitHub.GetRequestCount(GitHubEndpointKind.Mint);
        using var again = await host.ExchangeAsync(host.Issuer.CreateToken());
        await again.AssertErrorAsync(429, "rate_limited");
        Assert.Equal(mintCalls, host.GitHub.GetRequestCount(GitHubEndpointKind.Mint));
        host.AssertNothingIssued();
    }

    [Fact]
    public async Task K06_secondary_rate_limit_honours_retry_after()
    {
        await using var host = await StartWithPolicyAsync();
        host.GitHub.FailNext(GitHubEndpointKind.Mint, GitHubFault.SecondaryRateLimit(TimeSpan.FromSeconds(60)));
        using var limited = await host.ExchangeAsync(host.Issuer.CreateToken());
        await limited.AssertErrorAsync(429, "rate_limited");
        Assert.InRange(limited.Headers.RetryAfter!.Delta!.Value.TotalSeconds, 55, 60);
        host.AssertNothingIssued();
    }

    [Fact]
    public async Task K04_a_plain_403_on_mint_is_not_a_rate_limit()
    {
        await using var host = await StartWithPolicyAsync();
        host.GitHub.FailNext(GitHubEndpointKind.Mint, GitHubFault.Status(403));
        using var response = await host.ExchangeAsync(host.Issuer.CreateToken());
        Assert.NotEqual(429, (int)response.StatusCode);
        Assert.True((int)response.StatusCode is 403 or 502);
        host.AssertNothingIssued();
    }

    [Fact]
    public async Task J02_github_5xx_is_502_without_the_upstream_body()
    {
        await using var host = await StartWithPolicyAsync();
        host.GitHub.FailNext(GitHubEndpointKind.Mint, GitHubFault.Status(500));
        using var response = await host.ExchangeAsync(host.Issuer.CreateToken());
        await response.AssertErrorAsync(502, "upstream_error");
        host.AssertNothingIssued();
    }

    [Fact]
    public async Task L18_github_unreachable_is_503()
    {
        await using var host = await StartWithPolicyAsync();
        host.GitHub.FailNext(GitHubEndpointKind.Mint, GitHubFault.ConnectionDrop());
        using var response = await host.ExchangeAsync(host.Issuer.CreateToken());
        await response.AssertErrorAsync(503, "temporarily_unavailable");
        Assert.NotNull(response.Headers.RetryAfter);
        host.AssertNothingIssued();
    }

    [Fact]
    public async Task I09_the_last_good_policy_is_served_when_policy_reads_are_rate_limited_but_not_after_a_404()
    {
        await using var host = await StsTestHost.StartAsync(env => env["GITHUBSTS_POLICIES_CACHE_TTL_SECONDS"] = "0");
        host.StartTest();
        host.SetPolicy("ci", StsTestHost.Policy());
        using (var first = await host.ExchangeAsync(host.Issuer.CreateToken()))
        {
            await first.AssertSuccessAsync();
        }

        host.GitHub.FailNext(GitHubEndpointKind.Contents, GitHubFault.SecondaryRateLimit(TimeSpan.FromSeconds(2)));
        using (var stale = await host.ExchangeAsync(host.Issuer.CreateToken()))
        {
            await stale.AssertSuccessAsync();
        }

        host.GitHub.DeleteFile(StsTestHost.Org, StsTestHost.Repo, ".github/sts/default/ci.sts.yaml");
        await Task.Delay(TimeSpan.FromSeconds(2.5));
        using var deleted = await host.ExchangeAsync(host.Issuer.CreateToken());
        await deleted.AssertErrorAsync(403, "access_denied");
    }

    [Fact]
    public async Task I08_a_new_policy_is_visible_once_the_negative_entry_expires()
    {
        await using var host = await StsTestHost.StartAsync(env => env["GITHUBSTS_POLICIES_CACHE_TTL_SECONDS"] = "0");
        using (var missing = await host.ExchangeAsync(host.Issuer.CreateToken()))
        {
            await missing.AssertErrorAsync(403, "access_denied");
        }

        host.SetPolicy("ci", StsTestHost.Policy());
        using var found = await host.ExchangeAsync(host.Issuer.CreateToken());
        await found.AssertSuccessAsync();
    }

    [Fact]
    public async Task I11_concurrent_cold_requests_read_the_policy_once_and_not_found_is_cached()
    {
        // The shared harness turns the directory-listing cache off; "not found is cached" is that cache's promise.
        await using var host = await StartWithPolicyAsync(env => env["GITHUBSTS_POLICIES_DIRECTORY_CACHE_TTL_SECONDS"] = "10");
        var responses = await Task.WhenAll(Enumerable.Range(0, 50).Select(_ => host.ExchangeAsync(host.Issuer.CreateToken())));
        Assert.All(responses, r => Assert.True(r.IsSuccessStatusCode));
        // One listing of the policy directory and one read of the file, for all 50.
        Assert.Equal(
            [".github/sts/default", ".github/sts/default/ci.sts.yaml"],
            host.GitHub.ContentReads.Select(r => r.Path).Order(StringComparer.Ordinal));
        Assert.Equal(50, host.IssuedMints().Count);

        using (var missing = await host.ExchangeAsync(host.Issuer.CreateToken(), identity: "absent"))
        {
            await missing.AssertErrorAsync(403, "access_denied");
        }

        var reads = host.GitHub.ContentReads.Count;
        using var again = await host.ExchangeAsync(host.Issuer.CreateToken(), identity: "absent");
        await again.AssertErrorAsync(403, "access_denied");
        Assert.Equal(reads, host.GitHub.ContentReads.Count);
        foreach (var response in responses)
        {
            response.Dispose();
        }
    }

    [Fact]
    public async Task L02_an_unreachable_issuer_with_a_cold_cache_is_503_not_invalid_token()
    {
        await using var host = await StartWithPolicyAsync();
        host.Issuer.DiscoveryFaults.StatusCode = 500;
        host.Issuer.DiscoveryFaults.Body = "SECRET123 internal details";

        using var response = await host.ExchangeAsync(host.Issuer.CreateToken());

        var body = await response.AssertErrorAsync(503, "temporarily_unavailable");
        Assert.DoesNotContain("SECRET123", body.ToString(), StringComparison.Ordinal);
        host.AssertNothingIssued();
    }

    [Fact]
    public async Task L01_a_warm_issuer_keeps_validating_while_its_endpoints_are_down()
    {
        await using var host = await StartWithPolicyAsync();
        using (var warm = await host.ExchangeAsync(host.Issuer.CreateToken()))
        {
            await warm.AssertSuccessAsync();
        }

        host.Issuer.DiscoveryFaults.StatusCode = 500;
        host.Issuer.JwksFaults.StatusCode = 500;
        using var response = await host.ExchangeAsync(host.Issuer.CreateToken());
        await response.AssertSuccessAsync();
    }

    [Fact]
    public async Task Readiness_fails_when_github_rejects_the_only_app()
    {
        await using var host = await StsTestHost.StartAsync(env => env["GITHUBSTS_GITHUB_APP_ID"] = "999");
        var deadline = DateTime.UtcNow.AddSeconds(10);
        int status;
        do
        {
            using var ready = await host.ManagementClient.GetAsync("/readyz");
            status = (int)ready.StatusCode;
            if (status == 503)
            {
                break;
            }

            await Task.Delay(50);
        }
        while (DateTime.UtcNow < deadline);

        Assert.Equal(503, status);
    }

    private static async Task<StsTestHost> StartWithPolicyAsync(Action<Dictionary<string, string>>? configure = null)
    {
        var host = await StsTestHost.StartAsync(configure);
        host.StartTest();
        host.SetPolicy("ci", StsTestHost.Policy());
        return host;
    }
}
