using System.Diagnostics;
using GithubSts.IntegrationTests.Infrastructure;
using GithubSts.Testing.GitHub;
using GithubSts.Testing.Oidc;
using GithubSts.Testing.Redis;

namespace GithubSts.IntegrationTests;

/// <summary>Single-use tokens end to end through the real service (security.md §2.H, I01–I06, L09).</summary>
public sealed class ReplayTests
{
    private static async Task<StsTestHost> StartAsync(string backend = "memory", Action<Dictionary<string, string>>? configure = null)
    {
        var host = await StsTestHost.StartAsync(env =>
        {
            env["GITHUBSTS_REPLAY_BACKEND"] = backend;
            configure?.Invoke(env);
        });
        host.SetPolicy("ci", StsTestHost.Policy());
        host.StartTest();
        return host;
    }

    [Fact]
    public async Task I01_the_same_token_twice_is_200_then_409_and_one_mint()
    {
        await using var host = await StartAsync();
        var token = host.Issuer.CreateToken();
        using var first = await host.ExchangeAsync(token);
        await first.AssertSuccessAsync();
        using var second = await host.ExchangeAsync(token);
        var body = await second.AssertErrorAsync(409, "token_replayed");
        Assert.Equal("this token has already been used", body.GetProperty("error_description").GetString());
        Assert.Single(host.IssuedMints());
    }

    [Fact]
    public async Task A_replay_on_the_rfc8693_api_is_400_invalid_request()
    {
        await using var host = await StartAsync();
        var token = host.Issuer.CreateToken();
        using var first = await host.ExchangeAsync(token);
        await first.AssertSuccessAsync();
        using var second = await host.Client.PostAsync("/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "urn:ietf:params:oauth:grant-type:token-exchange",
            ["subject_token"] = token,
            ["subject_token_type"] = "urn:ietf:params:oauth:token-type:id_token",
            ["scope"] = "octo-org/octo-repo",
            ["identity"] = "ci",
        }));
        await second.AssertErrorAsync(400, "invalid_request");
        Assert.Single(host.IssuedMints());
    }

    [Fact]
    public async Task I02_fifty_parallel_identical_requests_give_exactly_one_success()
    {
        await using var host = await StartAsync();
        var token = host.Issuer.CreateToken();
        var responses = await Task.WhenAll(Enumerable.Range(0, 50).Select(_ => host.ExchangeAsync(token)));
        Assert.Single(responses, r => r.IsSuccessStatusCode);
        Assert.Equal(49, responses.Count(r => (int)r.StatusCode == 409));
        Assert.Single(host.IssuedMints());
        foreach (var response in responses)
        {
            response.Dispose();
        }
    }

    [Fact]
    public async Task I03_the_same_jti_at_two_issuers_both_succeed()
    {
        await using var other = await TestOidcIssuer.StartAsync();
        await using var host = await StartAsync(configure: env => env["GITHUBSTS_STS_ALLOWED_ISSUERS"] += "," + other.Iss);
        using var first = await host.ExchangeAsync(host.Issuer.CreateToken(s => s.TokenId = "shared-jti"));
        await first.AssertSuccessAsync();
        using var second = await host.ExchangeAsync(other.CreateToken(s => s.TokenId = "shared-jti"));
        await second.AssertSuccessAsync();
        Assert.Equal(2, host.IssuedMints().Count);
    }

    [Fact]
    public async Task I04_a_token_without_jti_is_keyed_on_its_hash()
    {
        await using var host = await StartAsync();
        var token = host.Issuer.CreateToken(s => s.Omit.Add("jti"));
        using var first = await host.ExchangeAsync(token);
        await first.AssertSuccessAsync();
        using var second = await host.ExchangeAsync(token);
        await second.AssertErrorAsync(409, "token_replayed");

        // A different token without jti is not caught.
        using var third = await host.ExchangeAsync(host.Issuer.CreateToken(s => { s.Omit.Add("jti"); s.Subject = "repo:octo-org/octo-repo:ref:refs/heads/main"; s.Claims["x"] = 1; }));
        await third.AssertSuccessAsync();
    }

    [Fact]
    public async Task A_failed_mint_releases_the_reservation_so_a_retry_succeeds()
    {
        await using var host = await StartAsync();
        var token = host.Issuer.CreateToken();
        host.GitHub.FailNext(GitHubEndpointKind.Mint, GitHubFault.Status(500));
        using var failed = await host.ExchangeAsync(token);
        await failed.AssertErrorAsync(502, "upstream_error");
        using var retry = await host.ExchangeAsync(token);
        await retry.AssertSuccessAsync();
        Assert.Single(host.IssuedMints());
    }

    [Fact]
    public async Task A_denied_exchange_does_not_consume_the_token()
    {
        await using var host = await StartAsync();
        var token = host.Issuer.CreateToken();
        using var denied = await host.ExchangeAsync(token, identity: "missing");
        await denied.AssertErrorAsync(403, "access_denied");
        using var ok = await host.ExchangeAsync(token);
        await ok.AssertSuccessAsync();
    }

    [Fact]
    public async Task An_exempt_issuer_may_reuse_its_token()
    {
        await using var host = await StartAsync(configure: env => env["GITHUBSTS_REPLAY_EXEMPT_ISSUERS"] = env["GITHUBSTS_STS_ALLOWED_ISSUERS"]);
        var token = host.Issuer.CreateToken();
        using var first = await host.ExchangeAsync(token);
        await first.AssertSuccessAsync();
        using var second = await host.ExchangeAsync(token);
        await second.AssertSuccessAsync();
        Assert.Equal(2, host.IssuedMints().Count);
    }

    [Fact]
    public async Task Without_a_backend_tokens_are_reusable()
    {
        await using var host = await StartAsync(backend: "none");
        var token = host.Issuer.CreateToken();
        using var first = await host.ExchangeAsync(token);
        await first.AssertSuccessAsync();
        using var second = await host.ExchangeAsync(token);
        await second.AssertSuccessAsync();
    }

    [RedisFact]
    public async Task Redis_backend_I01_and_L09_redis_down_is_503_fast_and_nothing_is_minted()
    {
        await using var redis = await RedisServer.StartAsync(password: "pw");
        await using var host = await StartAsync("redis", env =>
        {
            env["GITHUBSTS_REPLAY_REDIS_ADDRESS"] = redis.Address;
            env["GITHUBSTS_REPLAY_REDIS_PASSWORD"] = "pw";
        });
        var token = host.Issuer.CreateToken();
        using var first = await host.ExchangeAsync(token);
        await first.AssertSuccessAsync();
        using var second = await host.ExchangeAsync(token);
        await second.AssertErrorAsync(409, "token_replayed");
        Assert.Single(host.IssuedMints());

        await redis.KillAsync();
        host.StartTest();
        var watch = Stopwatch.StartNew();
        using var down = await host.ExchangeAsync(host.Issuer.CreateToken());
        await down.AssertErrorAsync(503, "temporarily_unavailable");
        Assert.NotNull(down.Headers.RetryAfter);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(2), $"took {watch.Elapsed}");
        host.AssertNothingIssued();

        await redis.RestartAsync();
        using var back = await host.ExchangeAsync(host.Issuer.CreateToken());
        await back.AssertSuccessAsync();
    }
}
