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
            using var health = await host.ManagementClient.GetAsync("/healthz");
            await health.AssertSuccessAsync();
        }
    }

    /// <summary>
    /// Issue 9 §7.3: X-Forwarded-For is ignored unless the peer is a configured proxy — even from loopback, which
    /// ASP.NET Core would trust by default — so a spoofed header cannot buy a fresh bucket per request.
    /// </summary>
    [Theory]
    [InlineData(null, null)]
    [InlineData("10.0.0.1", null)]
    [InlineData(null, "10.0.0.0/8")]
    public async Task A_spoofed_forwarded_for_from_an_untrusted_peer_does_not_change_the_partition(string? proxies, string? networks)
    {
        await using var host = await StartLimitedAsync(proxies, networks);
        var responses = await Task.WhenAll(Enumerable.Range(0, 10).Select(i => SendAsync(host, $"203.0.113.{i + 1}")));
        Assert.InRange(responses.Count(r => (int)r.StatusCode == 429), 6, 10);
        Dispose(responses);
    }

    [Theory]
    [InlineData("127.0.0.1", null)]
    [InlineData(null, "127.0.0.0/8")]
    public async Task A_trusted_proxy_s_forwarded_for_is_the_partition(string? proxies, string? networks)
    {
        await using var host = await StartLimitedAsync(proxies, networks);

        // Distinct clients behind the proxy: one bucket each, nobody limited.
        var distinct = await Task.WhenAll(Enumerable.Range(0, 10).Select(i => SendAsync(host, $"203.0.113.{i + 1}")));
        Assert.All(distinct, r => Assert.Equal(401, (int)r.StatusCode));
        Dispose(distinct);

        // One client behind the proxy (the proxy appends the peer it saw, the left-most entries are the client's claims).
        var same = await Task.WhenAll(Enumerable.Range(0, 10).Select(i => SendAsync(host, $"198.51.100.{i + 1}, 192.0.2.77")));
        Assert.InRange(same.Count(r => (int)r.StatusCode == 429), 6, 10);
        Dispose(same);
    }

    private static Task<StsTestHost> StartLimitedAsync(string? proxies, string? networks) => StsTestHost.StartAsync(env =>
    {
        env["GITHUBSTS_LIMITS_RATE_LIMIT_ENABLED"] = "true";
        env["GITHUBSTS_LIMITS_RATE_LIMIT_PERMITS_PER_SECOND"] = "1";
        env["GITHUBSTS_LIMITS_RATE_LIMIT_BURST"] = "3";
        if (proxies is not null)
        {
            env["GITHUBSTS_LIMITS_FORWARDED_HEADERS_TRUSTED_PROXIES"] = proxies;
        }

        if (networks is not null)
        {
            env["GITHUBSTS_LIMITS_FORWARDED_HEADERS_TRUSTED_NETWORKS"] = networks;
        }
    });

    private static Task<HttpResponseMessage> SendAsync(StsTestHost host, string forwardedFor)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/sts/exchange?scope=octo-org/octo-repo&identity=ci");
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", "not-a-jwt");
        request.Headers.TryAddWithoutValidation("X-Forwarded-For", forwardedFor);
        return host.Client.SendAsync(request);
    }

    private static void Dispose(HttpResponseMessage[] responses)
    {
        foreach (var response in responses)
        {
            response.Dispose();
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
