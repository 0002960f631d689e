using GithubSts.Exchange.Apps;
using GithubSts.Exchange.GitHub;
using GithubSts.Exchange.Webhooks;

namespace GithubSts.Exchange.Tests.Webhooks;

public sealed class PolicyFileMatcherTests
{
    [Theory]
    [InlineData(".github/sts/default/ci.sts.yaml", true, true)]
    [InlineData(".github/sts/default/a.b-c_d.sts.yaml", true, true)]
    [InlineData(".github/sts/default/README.md", false, true)]
    [InlineData(".github/sts/default/nested/ci.sts.yaml", false, true)]
    [InlineData(".github/sts/default/.sts.yaml", false, true)]
    [InlineData(".github/sts/other/ci.sts.yaml", false, false)]
    [InlineData(".github/sts/Default/ci.sts.yaml", false, false)]
    [InlineData(".github/sts/default", false, false)]
    [InlineData(".github/sts/default/../x.sts.yaml", false, false)]
    [InlineData("src/ci.sts.yaml", false, false)]
    public void Matches_the_apps_rendered_template(string path, bool policyFile, bool underDirectory)
    {
        var matcher = new PolicyFileMatcher(App(PolicyPathTemplate.PyGithubStsLayout));
        Assert.Equal(policyFile, matcher.IsPolicyFile(path));
        Assert.Equal(underDirectory, matcher.IsUnderPolicyDirectory(path));
        Assert.Equal(".github/sts/default", matcher.Directory);
    }

    [Fact]
    public void The_octo_sts_layout_has_no_app_segment()
    {
        var matcher = new PolicyFileMatcher(App(PolicyPathTemplate.OctoStsLayout));
        Assert.True(matcher.IsPolicyFile(".github/chainguard/deploy.sts.yaml"));
        Assert.False(matcher.IsPolicyFile(".github/chainguard/default/deploy.sts.yaml"));
        Assert.Equal(".github/chainguard", matcher.Directory);
    }

    private static GitHubAppRuntime App(string template)
    {
        Assert.True(PolicyPathTemplate.TryCreate(template, out var path, out _));
        using var key = System.Security.Cryptography.RSA.Create(2048);
        return new GitHubAppRuntime
        {
            Credentials = new GitHubAppCredentials("default", 1, key, new Uri("https://api.github.com/")),
            PolicyPath = path,
            OrgPolicyRepository = ".github",
        };
    }
}
