using System.Security.Cryptography;
using GithubSts.Exchange.Configuration;

namespace GithubSts.Exchange.Tests.Configuration;

/// <summary>Issue 11 §1: <c>sts.audiences</c> and <c>GITHUBSTS_STS_AUDIENCES</c>, and why a bad list stops startup.</summary>
public sealed class StsAudiencesConfigurationTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("githubsts-aud").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void Unset_means_the_identifier_alone()
    {
        var options = GithubStsConfigurationLoader.Load(null, Env());

        Assert.Empty(options.Audiences);
        Assert.Equal(["sts.example.com"], options.RepositoryPolicies.RepositoryAudiences);
    }

    [Fact]
    public void The_environment_lists_them_comma_separated_in_order()
    {
        var environment = Env();
        environment["GITHUBSTS_STS_AUDIENCES"] = "https://sts.example.com, github-sts,dd-octo-sts";

        var options = GithubStsConfigurationLoader.Load(null, environment);

        Assert.Equal(["https://sts.example.com", "github-sts", "dd-octo-sts"], options.Audiences);
        Assert.Equal(["sts.example.com", "https://sts.example.com", "github-sts", "dd-octo-sts"], options.RepositoryPolicies.RepositoryAudiences);
    }

    [Fact]
    public void The_file_lists_them_and_the_environment_replaces_the_list()
    {
        var path = Path.Combine(_directory, "config.yaml");
        File.WriteAllText(path, "sts:\n  audiences: [github-sts, dd-octo-sts]\n");

        Assert.Equal(["github-sts", "dd-octo-sts"], GithubStsConfigurationLoader.Load(path, Env()).Audiences);

        var environment = Env();
        environment["GITHUBSTS_STS_AUDIENCES"] = "https://sts.example.com";
        Assert.Equal(["https://sts.example.com"], GithubStsConfigurationLoader.Load(path, environment).Audiences);
    }

    [Fact]
    public void Case_variants_are_different_audiences()
    {
        var environment = Env();
        environment["GITHUBSTS_STS_AUDIENCES"] = "STS.example.com,Github-sts,github-sts";

        Assert.Equal(["STS.example.com", "Github-sts", "github-sts"], GithubStsConfigurationLoader.Load(null, environment).Audiences);
    }

    [Theory]
    [InlineData("github-sts,github-sts", "lists 'github-sts' twice")]
    [InlineData("sts.example.com", "which is sts.identifier")]
    [InlineData("github-sts,sts.example.com", "which is sts.identifier")]
    [InlineData("has space", "without whitespace")]
    [InlineData("tab\there", "without whitespace")]
    [InlineData("nul\0", "without whitespace")]
    [InlineData("no\u00a0break", "without whitespace")]
    public void A_bad_environment_list_stops_startup_naming_the_setting(string value, string problem)
    {
        var environment = Env();
        environment["GITHUBSTS_STS_AUDIENCES"] = value;

        var e = Assert.Throws<ConfigurationException>(() => GithubStsConfigurationLoader.Load(null, environment));

        Assert.Equal("sts.audiences", e.Setting);
        Assert.Contains(problem, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Too_many_or_too_long_audiences_stop_startup()
    {
        var environment = Env();
        environment["GITHUBSTS_STS_AUDIENCES"] = string.Join(',', Enumerable.Range(0, AudienceListValidator.MaxStsAudiences + 1).Select(i => $"aud{i}"));
        Assert.Equal("sts.audiences", Assert.Throws<ConfigurationException>(() => GithubStsConfigurationLoader.Load(null, environment)).Setting);

        environment["GITHUBSTS_STS_AUDIENCES"] = new string('a', AudienceListValidator.MaxAudienceLength + 1);
        Assert.Equal("sts.audiences", Assert.Throws<ConfigurationException>(() => GithubStsConfigurationLoader.Load(null, environment)).Setting);

        environment["GITHUBSTS_STS_AUDIENCES"] = string.Join(',', Enumerable.Range(0, AudienceListValidator.MaxStsAudiences).Select(i => $"aud{i}"))
            .Replace("aud0", new string('a', AudienceListValidator.MaxAudienceLength), StringComparison.Ordinal);
        Assert.Equal(AudienceListValidator.MaxStsAudiences, GithubStsConfigurationLoader.Load(null, environment).Audiences.Count);
    }

    [Theory]
    [InlineData("sts:\n  audiences: ['']\n", "entries must be")]
    [InlineData("sts:\n  audiences: [' github-sts']\n", "without whitespace")]
    [InlineData("sts:\n  audiences: ['github-sts ']\n", "without whitespace")]
    [InlineData("sts:\n  audiences: [github-sts, github-sts]\n", "twice")]
    public void A_bad_file_list_stops_startup_naming_the_setting(string yaml, string problem)
    {
        var path = Path.Combine(_directory, "bad.yaml");
        File.WriteAllText(path, yaml);

        var e = Assert.Throws<ConfigurationException>(() => GithubStsConfigurationLoader.Load(path, Env()));

        Assert.Equal("sts.audiences", e.Setting);
        Assert.Contains(problem, e.Message, StringComparison.Ordinal);
    }

    private static Dictionary<string, string> Env() => MinimalEnvironment.Create();
}
