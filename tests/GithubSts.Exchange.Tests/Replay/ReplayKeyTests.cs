using System.Security.Cryptography;
using System.Text;
using GithubSts.Exchange.Replay;

namespace GithubSts.Exchange.Tests.Replay;

public sealed class ReplayKeyTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 22, 0, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan MaxLifetime = TimeSpan.FromHours(24);
    private static readonly TimeSpan Skew = TimeSpan.FromSeconds(60);

    [Fact]
    public void Jti_key_is_sha256_of_issuer_newline_jti()
    {
        var expected = "jti:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes("https://a.example\nabc")));
        Assert.Equal(expected, ReplayKey.For("https://a.example", "abc", "ff"));
    }

    [Fact]
    public void I03_same_jti_at_two_issuers_gives_two_keys()
    {
        Assert.NotEqual(ReplayKey.For("https://a.example", "abc", "ff"), ReplayKey.For("https://b.example", "abc", "ff"));
    }

    [Fact]
    public void I04_without_jti_the_token_hash_is_the_key_and_cannot_collide_with_a_jti_key()
    {
        var hash = new string('a', 64);
        Assert.Equal("tok:" + hash, ReplayKey.For("https://a.example", null, hash));
        Assert.Equal("tok:" + hash, ReplayKey.For("https://a.example", string.Empty, hash));
        Assert.NotEqual(ReplayKey.For("https://a.example", null, hash), ReplayKey.For("https://a.example", hash, hash));
    }

    [Fact]
    public void Ttl_follows_exp_plus_skew()
    {
        Assert.Equal(TimeSpan.FromMinutes(5) + Skew, ReplayKey.Ttl(Now.AddMinutes(5), Now, Now, MaxLifetime, Skew));
    }

    [Fact]
    public void I05_exp_in_the_year_3000_is_bounded_by_max_lifetime_plus_skew()
    {
        var exp = new DateTimeOffset(3000, 1, 1, 0, 0, 0, TimeSpan.Zero);
        Assert.Equal(MaxLifetime + Skew, ReplayKey.Ttl(exp, Now, Now, MaxLifetime, Skew));
        Assert.Equal(TimeSpan.FromHours(1) + Skew, ReplayKey.Ttl(exp, Now.AddHours(-23), Now, MaxLifetime, Skew));
        Assert.Equal(MaxLifetime + Skew, ReplayKey.Ttl(exp, null, Now, MaxLifetime, Skew));
        Assert.Equal(MaxLifetime + Skew, ReplayKey.Ttl(exp, Now.AddYears(500), Now, MaxLifetime, Skew));
    }

    [Fact]
    public void Ttl_is_at_least_one_second()
    {
        Assert.Equal(TimeSpan.FromSeconds(1), ReplayKey.Ttl(Now.AddMinutes(-10), Now.AddMinutes(-20), Now, MaxLifetime, Skew));
    }
}
