using System.Text.Json.Nodes;
using GithubSts.IntegrationTests.Infrastructure;
using GithubSts.Testing.GitHub;

namespace GithubSts.IntegrationTests;

/// <summary>
/// Issue 9 item 3 over HTTP: a caller holding any token from an allowed issuer cannot make the service spend GitHub
/// calls per random identity, per foreign audience or beyond an owner's budget, and a deleted or invalid policy file
/// stops granting at once (a last-good copy only bridges transient GitHub failures, within a short bound).
/// Each test owns its host: budgets, listings and rate-limit state are sticky.
/// </summary>
public sealed class RepositoryPolicyAmplificationTests
{
    private const string PolicyFile = ".github/sts/default/ci.sts.yaml";

    [Fact]
    public async Task Random_identities_cost_a_bounded_number_of_github_calls()
    {
        await using var host = await StartWithListingCacheAsync();
        host.StartTest();
        host.SetPolicy("ci", StsTestHost.Policy());
        var before = Total(PolicyCalls(host));
        for (var i = 0; i < 40; i++)
        {
            using var response = await host.ExchangeAsync(host.Issuer.CreateToken(), identity: "rnd-" + Guid.NewGuid().ToString("N"));
            await response.AssertErrorAsync(403, "access_denied");
        }

        // One listing for all 40 (installation lookup, read-token mint, directory read, revoke): never per identity.
        Assert.InRange(Total(PolicyCalls(host)) - before, 1, 4);
        Assert.Single(host.GitHub.ContentReads);
        host.AssertNothingIssued();

        using var real = await host.ExchangeAsync(host.Issuer.CreateToken(), identity: "ci");
        await real.AssertSuccessAsync();
    }

    [Fact]
    public async Task A_repository_without_the_policy_directory_is_cached_negative()
    {
        await using var host = await StartWithListingCacheAsync();
        host.StartTest();
        for (var i = 0; i < 20; i++)
        {
            using var response = await host.ExchangeAsync(host.Issuer.CreateToken(), scope: "octo-org/other-repo", identity: $"id-{i}");
            await response.AssertErrorAsync(403, "access_denied");
        }

        Assert.Single(host.GitHub.ContentReads);
        Assert.True(host.GitHub.GetRequestCount(GitHubEndpointKind.Mint) <= 1);
        host.AssertNothingIssued();
    }

    [Theory]
    [InlineData("\"sts.amazonaws.com\"")]
    [InlineData("\"https://sts.example.com/\"")]
    [InlineData("\"HTTPS://STS.EXAMPLE.COM\"")]
    [InlineData("[\"https://sts.example.com/\",\"sts.amazonaws.com\"]")]
    [InlineData("[\"sts.amazonaws.com\",\"sts.example.com\",\"github-sts\"]")]
    [InlineData("[]")]
    public async Task A_token_for_another_audience_makes_no_github_call(string audience)
    {
        await using var host = await StartWithListingCacheAsync();
        host.StartTest();
        host.SetPolicy("ci", StsTestHost.Policy());
        var before = PolicyCalls(host);
        for (var i = 0; i < 5; i++)
        {
            using var response = await host.ExchangeAsync(
                host.Issuer.CreateToken(t => t.Audience = JsonNode.Parse(audience)), identity: i == 0 ? "ci" : $"x{i}");
            Assert.True((int)response.StatusCode is 401 or 403, $"status {(int)response.StatusCode}");
        }

        Assert.Equal(before, PolicyCalls(host));
        host.AssertNothingIssued();
    }

    /// <summary>Issue 11 §1: one acceptable audience among foreign ones is a token for this service, so it is read for.</summary>
    [Fact]
    public async Task A_multi_audience_token_with_one_acceptable_audience_reads_and_is_granted()
    {
        await using var host = await StartWithListingCacheAsync();
        host.StartTest();
        host.SetPolicy("ci", StsTestHost.Policy());

        using var response = await host.ExchangeAsync(
            host.Issuer.CreateToken(t => t.Audience = new JsonArray("sts.amazonaws.com", StsTestHost.Identifier)));

        await response.AssertSuccessAsync();
        Assert.Single(host.IssuedMints());
    }

    [Fact]
    public async Task Audiences_listed_in_policies_repositoryAudiences_may_be_used_by_policy_files()
    {
        await using var host = await StartWithListingCacheAsync(
            env => env["GITHUBSTS_POLICIES_REPOSITORY_AUDIENCES"] = StsTestHost.Identifier + ",octo-sts.dev");
        host.StartTest();
        host.SetPolicy("custom", StsTestHost.Policy(extra: "audience: octo-sts.dev"));
        host.SetPolicy("pattern", StsTestHost.Policy(extra: "audience_pattern: 'octo-sts\\.dev'"));
        using (var theirs = await host.ExchangeAsync(host.Issuer.CreateToken(t => t.Audience = "octo-sts.dev"), identity: "custom"))
        {
            await theirs.AssertSuccessAsync();
        }

        // A pattern cannot be proven to stay inside the list: the file is invalid.
        using var pattern = await host.ExchangeAsync(host.Issuer.CreateToken(t => t.Audience = "octo-sts.dev"), identity: "pattern");
        Assert.True((int)pattern.StatusCode is 401 or 403, $"status {(int)pattern.StatusCode}");
        Assert.Single(host.IssuedMints());
    }

    [Fact]
    public async Task An_owner_budget_of_policy_reads_fails_closed_without_github_calls()
    {
        await using var host = await StartWithListingCacheAsync(env =>
        {
            env["GITHUBSTS_POLICIES_CACHE_TTL_SECONDS"] = "0";
            env["GITHUBSTS_POLICIES_OWNER_READS_PER_MINUTE"] = "3";
        });
        host.StartTest();
        for (var i = 0; i < 6; i++)
        {
            host.SetPolicy($"p{i}", StsTestHost.Policy());
        }

        for (var i = 0; i < 3; i++)
        {
            using var allowed = await host.ExchangeAsync(host.Issuer.CreateToken(), identity: $"p{i}");
            await allowed.AssertSuccessAsync();
        }

        var before = PolicyCalls(host);
        foreach (var identity in new[] { "p3", "p4", "absent", "p5" })
        {
            using var limited = await host.ExchangeAsync(host.Issuer.CreateToken(), identity: identity);
            await limited.AssertErrorAsync(429, "rate_limited");
            Assert.InRange(limited.Headers.RetryAfter!.Delta!.Value.TotalSeconds, 1, 60);
        }

        Assert.Equal(before, PolicyCalls(host));
        Assert.Equal(3, host.IssuedMints().Count);

        // A file read successfully moments ago is a transient-failure case: its last-good copy still grants (bounded).
        using var known = await host.ExchangeAsync(host.Issuer.CreateToken(), identity: "p0");
        await known.AssertSuccessAsync();
        Assert.Equal(0, host.GitHub.GetRequestCount(GitHubEndpointKind.Contents) - ContentsAt(before));
    }

    [Fact]
    public async Task Below_the_rate_limit_reserve_policy_reads_stop_but_loaded_policies_still_mint()
    {
        await using var host = await StartWithListingCacheAsync(env => env["GITHUBSTS_POLICIES_RATE_LIMIT_RESERVE"] = "1000");
        host.StartTest();
        host.SetPolicy("ci", StsTestHost.Policy());
        host.SetPolicy("late", StsTestHost.Policy());
        using (var warm = await host.ExchangeAsync(host.Issuer.CreateToken()))
        {
            await warm.AssertSuccessAsync();
        }

        host.GitHub.RateLimitRemaining = 900;
        using (var lowers = await host.ExchangeAsync(host.Issuer.CreateToken()))
        {
            await lowers.AssertSuccessAsync();
        }

        var contents = host.GitHub.GetRequestCount(GitHubEndpointKind.Contents);
        using var refused = await host.ExchangeAsync(host.Issuer.CreateToken(), identity: "late");
        await refused.AssertErrorAsync(429, "rate_limited");
        Assert.Equal(contents, host.GitHub.GetRequestCount(GitHubEndpointKind.Contents));

        using var loaded = await host.ExchangeAsync(host.Issuer.CreateToken());
        await loaded.AssertSuccessAsync();
        Assert.Equal(3, host.IssuedMints().Count);
    }

    [Fact]
    public async Task A_deleted_policy_file_stops_granting_once_the_cache_expires_even_if_github_then_fails()
    {
        await using var host = await StartWithListingCacheAsync(env => env["GITHUBSTS_POLICIES_CACHE_TTL_SECONDS"] = "1");
        host.StartTest();
        host.SetPolicy("ci", StsTestHost.Policy());
        using (var first = await host.ExchangeAsync(host.Issuer.CreateToken()))
        {
            await first.AssertSuccessAsync();
        }

        host.GitHub.DeleteFile(StsTestHost.Org, StsTestHost.Repo, PolicyFile);
        await Task.Delay(TimeSpan.FromSeconds(1.3));
        using (var deleted = await host.ExchangeAsync(host.Issuer.CreateToken()))
        {
            await deleted.AssertErrorAsync(403, "access_denied");
        }

        // The last-good copy was dropped with the 404: a GitHub outage now cannot resurrect it.
        await Task.Delay(TimeSpan.FromSeconds(1.3));
        host.GitHub.FailNext(GitHubEndpointKind.Contents, GitHubFault.Status(500), count: 4);
        using var outage = await host.ExchangeAsync(host.Issuer.CreateToken());
        Assert.True((int)outage.StatusCode is 502 or 503, $"status {(int)outage.StatusCode}");
        Assert.Single(host.IssuedMints());
    }

    [Theory]
    [InlineData("issuer: [unclosed")]
    [InlineData("subject: x\npermissions: {contents: read}\n")]
    [InlineData("issuer_pattern: '.*'\nsubject: repo:octo-org/octo-repo:ref:refs/heads/main\naudience: sts.amazonaws.com\npermissions: {contents: read}\n")]
    public async Task A_policy_file_that_became_invalid_stops_granting(string invalid)
    {
        await using var host = await StartWithListingCacheAsync(env => env["GITHUBSTS_POLICIES_CACHE_TTL_SECONDS"] = "1");
        host.StartTest();
        host.SetPolicy("ci", StsTestHost.Policy());
        using (var first = await host.ExchangeAsync(host.Issuer.CreateToken()))
        {
            await first.AssertSuccessAsync();
        }

        host.SetPolicy("ci", invalid);
        await Task.Delay(TimeSpan.FromSeconds(1.3));
        using (var denied = await host.ExchangeAsync(host.Issuer.CreateToken()))
        {
            await denied.AssertErrorAsync(403, "access_denied");
        }

        await Task.Delay(TimeSpan.FromSeconds(1.3));
        host.GitHub.FailNext(GitHubEndpointKind.Contents, GitHubFault.Status(503), count: 4);
        using var outage = await host.ExchangeAsync(host.Issuer.CreateToken());
        Assert.False(outage.IsSuccessStatusCode);
        Assert.Single(host.IssuedMints());
    }

    [Fact]
    public async Task GitHub_5xx_serves_the_last_good_copy_within_the_stale_bound_and_not_beyond()
    {
        await using var host = await StartWithListingCacheAsync(env =>
        {
            env["GITHUBSTS_POLICIES_CACHE_TTL_SECONDS"] = "1";
            env["GITHUBSTS_POLICIES_STALE_GRACE_SECONDS"] = "4"; // wide: a loaded CI machine can stall a second
        });
        host.StartTest();
        host.SetPolicy("ci", StsTestHost.Policy());
        using (var first = await host.ExchangeAsync(host.Issuer.CreateToken()))
        {
            await first.AssertSuccessAsync();
        }

        await Task.Delay(TimeSpan.FromSeconds(1.3));
        host.GitHub.FailNext(GitHubEndpointKind.Contents, GitHubFault.Status(500), count: 100);
        using (var stale = await host.ExchangeAsync(host.Issuer.CreateToken()))
        {
            await stale.AssertSuccessAsync();
        }

        // Past cache TTL + grace (1 s + 4 s after the last successful read), GitHub still failing: no grant.
        await Task.Delay(TimeSpan.FromSeconds(4.2));
        using var beyond = await host.ExchangeAsync(host.Issuer.CreateToken());
        Assert.True((int)beyond.StatusCode is 502 or 503, $"status {(int)beyond.StatusCode}");
        Assert.Equal(2, host.IssuedMints().Count);
    }

    /// <summary>The GitHub calls a policy read makes (GET /app, the readiness probe, runs on its own schedule).</summary>
    private static (int Installation, int Mint, int Contents, int Revoke) PolicyCalls(StsTestHost host) => (
        host.GitHub.GetRequestCount(GitHubEndpointKind.Installation),
        host.GitHub.GetRequestCount(GitHubEndpointKind.Mint),
        host.GitHub.GetRequestCount(GitHubEndpointKind.Contents),
        host.GitHub.GetRequestCount(GitHubEndpointKind.Revoke));

    private static int Total((int Installation, int Mint, int Contents, int Revoke) c) => c.Installation + c.Mint + c.Contents + c.Revoke;

    private static int ContentsAt((int Installation, int Mint, int Contents, int Revoke) calls) => calls.Contents;

    /// <summary>A host with the product's listing cache (the shared harness turns it off).</summary>
    private static Task<StsTestHost> StartWithListingCacheAsync(Action<Dictionary<string, string>>? configure = null) =>
        StsTestHost.StartAsync(env =>
        {
            env["GITHUBSTS_POLICIES_DIRECTORY_CACHE_TTL_SECONDS"] = "10";
            configure?.Invoke(env);
        });
}
