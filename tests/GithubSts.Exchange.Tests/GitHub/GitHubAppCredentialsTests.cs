using GithubSts.Exchange.GitHub;
using GithubSts.Testing.GitHub;

namespace GithubSts.Exchange.Tests.GitHub;

public sealed class GitHubAppCredentialsTests
{
    [Theory]
    [InlineData("https://api.github.com", "https://api.github.com/")]
    [InlineData("https://api.github.com/", "https://api.github.com/")]
    [InlineData("https://ghe.example.com/api/v3", "https://ghe.example.com/api/v3/")]
    [InlineData("http://127.0.0.1:8080/api/v3/", "http://127.0.0.1:8080/api/v3/")]
    public void Base_url_always_ends_with_a_slash(string configured, string expected)
    {
        var app = new GitHubAppCredentials("app", 1, GitHubTestBed.Key.Key, new Uri(configured));
        Assert.Equal(expected, app.ApiBaseUrl.AbsoluteUri);
    }

    [Theory]
    [InlineData("http://ghe.example.com/api/v3")]
    [InlineData("https://ghe.example.com/api/v3?x=1")]
    [InlineData("https://user:pw@ghe.example.com/")]
    [InlineData("ftp://ghe.example.com/")]
    public void Unsafe_base_urls_are_rejected(string configured) =>
        Assert.Throws<ArgumentException>(() => new GitHubAppCredentials("app", 1, GitHubTestBed.Key.Key, new Uri(configured)));

    [Fact]
    public void Weak_keys_are_rejected()
    {
        using var weak = TestAppKey.Create(1024);
        Assert.Throws<ArgumentException>(() => new GitHubAppCredentials("app", 1, weak.Key, new Uri("https://api.github.com")));
    }

    [Fact]
    public void App_id_must_be_positive() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new GitHubAppCredentials("app", 0, GitHubTestBed.Key.Key, new Uri("https://api.github.com")));
}
