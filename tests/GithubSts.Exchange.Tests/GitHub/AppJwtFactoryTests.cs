using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using GithubSts.Exchange.GitHub;

namespace GithubSts.Exchange.Tests.GitHub;

public sealed class AppJwtFactoryTests
{
    private readonly ManualClock _clock = new(new DateTimeOffset(2030, 1, 2, 3, 4, 5, TimeSpan.Zero));
    private readonly GitHubAppCredentials _app = new("a", 1234, GitHubTestBed.Key.Key, new Uri("https://api.github.com"));

    [Fact]
    public void Claims_follow_github_rules_K02()
    {
        var token = new AppJwtFactory(_clock).GetToken(_app);
        var parts = token.Split('.');
        using var header = JsonDocument.Parse(Base64Url.DecodeFromChars(parts[0]));
        using var payload = JsonDocument.Parse(Base64Url.DecodeFromChars(parts[1]));
        var now = _clock.GetUtcNow().ToUnixTimeSeconds();

        Assert.Equal("RS256", header.RootElement.GetProperty("alg").GetString());
        Assert.Equal("1234", payload.RootElement.GetProperty("iss").GetString());
        Assert.Equal(now - 60, payload.RootElement.GetProperty("iat").GetInt64());
        var exp = payload.RootElement.GetProperty("exp").GetInt64();
        Assert.True(exp <= now + 600);
        Assert.Equal(now + 540, exp);
        Assert.True(GitHubTestBed.Key.Key.VerifyData(
            Encoding.ASCII.GetBytes(parts[0] + "." + parts[1]), Base64Url.DecodeFromChars(parts[2]),
            HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));
    }

    [Fact]
    public void Token_is_reused_until_less_than_two_minutes_remain()
    {
        var factory = new AppJwtFactory(_clock);
        var first = factory.GetToken(_app);

        _clock.Advance(TimeSpan.FromMinutes(7) - TimeSpan.FromSeconds(1));
        Assert.Same(first, factory.GetToken(_app));

        _clock.Advance(TimeSpan.FromSeconds(2));
        var second = factory.GetToken(_app);
        Assert.NotEqual(first, second);
        Assert.Same(second, factory.GetToken(_app));
    }

    [Fact]
    public void A_clock_that_moved_backwards_gets_a_fresh_token()
    {
        var factory = new AppJwtFactory(_clock);
        var first = factory.GetToken(_app);
        _clock.Advance(TimeSpan.FromMinutes(-5));
        Assert.NotEqual(first, factory.GetToken(_app));
    }

    [Fact]
    public void Each_app_has_its_own_token()
    {
        var factory = new AppJwtFactory(_clock);
        var other = new GitHubAppCredentials("b", 99, GitHubTestBed.Key.Key, new Uri("https://api.github.com"));
        Assert.NotEqual(factory.GetToken(_app), factory.GetToken(other));
    }

    [Fact]
    public void Concurrent_callers_share_one_signature()
    {
        var factory = new AppJwtFactory(_clock);
        var tokens = new string[64];
        Parallel.For(0, tokens.Length, i => tokens[i] = factory.GetToken(_app));
        Assert.Single(tokens.Distinct(StringComparer.Ordinal));
    }

    [Fact]
    public void Invalidate_drops_only_the_rejected_token()
    {
        var factory = new AppJwtFactory(_clock);
        var first = factory.GetToken(_app);
        factory.Invalidate(_app, "someone-else");
        Assert.Same(first, factory.GetToken(_app));
        factory.Invalidate(_app, first);
        Assert.NotSame(first, factory.GetToken(_app));
    }
}
