using System.Security.Cryptography;
using GithubSts.Exchange.Configuration;

namespace GithubSts.Exchange.Tests.Configuration;

/// <summary>Issue 11 §3: <c>sts.githubActionsIssuers</c> and <c>GITHUBSTS_STS_GITHUB_ACTIONS_ISSUERS</c>.</summary>
public sealed class GitHubActionsIssuersConfigurationTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("githubsts-gha").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void Unset_means_github_com_only() =>
        Assert.Equal(["https://token.actions.githubusercontent.com"], GithubStsConfigurationLoader.Load(null, Env()).GitHubActionsIssuers);

    [Fact]
    public void The_environment_lists_them_and_an_empty_file_list_means_none()
    {
        var environment = Env();
        environment["GITHUBSTS_STS_GITHUB_ACTIONS_ISSUERS"] = "https://token.actions.githubusercontent.com, https://ghes.example.com/_services/token";
        Assert.Equal(
            ["https://token.actions.githubusercontent.com", "https://ghes.example.com/_services/token"],
            GithubStsConfigurationLoader.Load(null, environment).GitHubActionsIssuers);

        var path = Path.Combine(_directory, "none.yaml");
        File.WriteAllText(path, "sts:\n  githubActionsIssuers: []\n");
        Assert.Empty(GithubStsConfigurationLoader.Load(path, Env()).GitHubActionsIssuers);
    }

    [Theory]
    [InlineData("not a url")]
    [InlineData("ftp://token.actions.githubusercontent.com")]
    [InlineData("https://token.actions.githubusercontent.com,https://token.actions.githubusercontent.com")]
    [InlineData("https://user:pw@ghes.example.com")]
    public void A_bad_list_stops_startup_naming_the_setting(string value)
    {
        var environment = Env();
        environment["GITHUBSTS_STS_GITHUB_ACTIONS_ISSUERS"] = value;

        var e = Assert.Throws<ConfigurationException>(() => GithubStsConfigurationLoader.Load(null, environment));

        Assert.StartsWith("sts.githubActionsIssuers", e.Setting, StringComparison.Ordinal);
    }

    [Fact]
    public void More_than_16_stop_startup()
    {
        var environment = Env();
        environment["GITHUBSTS_STS_GITHUB_ACTIONS_ISSUERS"] = string.Join(',', Enumerable.Range(0, 17).Select(i => $"https://ghes{i}.example.com"));

        Assert.Equal("sts.githubActionsIssuers", Assert.Throws<ConfigurationException>(() => GithubStsConfigurationLoader.Load(null, environment)).Setting);
    }

    private static Dictionary<string, string> Env() => MinimalEnvironment.Create();
}
