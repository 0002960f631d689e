using GithubSts.Exchange.Apps;
using GithubSts.Exchange.Requests;

namespace GithubSts.Exchange.Tests.Requests;

public class NameGrammarTests
{
    [Theory]
    [InlineData("org/repo", "org", "repo")]
    [InlineData("Org-1/Repo.name_x", "Org-1", "Repo.name_x")]
    [InlineData("org", "org", null)]
    [InlineData("org/.github", "org", ".github")]
    public void Accepts_valid_scopes(string scope, string owner, string? repository)
    {
        Assert.True(ExchangeTarget.TryParse(scope, out var target));
        Assert.Equal(owner, target.Owner);
        Assert.Equal(repository, target.Repository);
    }

    // security.md 5.G G05: every one of these must be refused before a URL is built.
    [Theory]
    [InlineData("org/repo/../../other")]
    [InlineData("org/..")]
    [InlineData("org/.")]
    [InlineData("org//r")]
    [InlineData("/r")]
    [InlineData("org/")]
    [InlineData("org/r/x")]
    [InlineData("org%2fr")]
    [InlineData("org\\r")]
    [InlineData("org/r.git")]
    [InlineData("org/r\n")]
    [InlineData("org/r?ref=x")]
    [InlineData("org/r#x")]
    [InlineData("-org/r")]
    [InlineData("org_x/r")]
    [InlineData("ｏrg/r")]
    [InlineData("org/ r")]
    [InlineData("")]
    [InlineData("a234567890123456789012345678901234567890/r")]
    public void Rejects_hostile_scopes(string scope) => Assert.False(ExchangeTarget.TryParse(scope, out _));

    [Theory]
    [InlineData("ci")]
    [InlineData("deploy-prod")]
    [InlineData("release_v1.2")]
    [InlineData("_x")]
    public void Accepts_valid_identities(string identity) => Assert.True(NameGrammar.IsIdentity(identity));

    // security.md 5.G G01-G04.
    [Theory]
    [InlineData("../x")]
    [InlineData("..")]
    [InlineData(".")]
    [InlineData("a/b")]
    [InlineData("a\\b")]
    [InlineData("%2e%2e")]
    [InlineData("..%2f")]
    [InlineData("x%00")]
    [InlineData("x%3Fref%3Devil")]
    [InlineData("x?ref=refs/pull/1/head&y=")]
    [InlineData("x#y")]
    [InlineData("")]
    [InlineData("ｘ")]
    [InlineData(".hidden")]
    [InlineData("x ")]
    [InlineData("x\n")]
    [InlineData("x\0")]
    [InlineData("a..b")]
    public void Rejects_hostile_identities(string identity) => Assert.False(NameGrammar.IsIdentity(identity));

    [Fact]
    public void Rejects_identities_longer_than_100_characters()
    {
        Assert.True(NameGrammar.IsIdentity(new string('x', 100)));
        Assert.False(NameGrammar.IsIdentity(new string('x', 101)));
    }

    [Theory]
    [InlineData(".github/sts/{app}/{identity}.sts.yaml", "default", "ci", ".github/sts/default/ci.sts.yaml")]
    [InlineData(".github/chainguard/{identity}.sts.yaml", "default", "ci", ".github/chainguard/ci.sts.yaml")]
    public void Policy_path_templates_render(string template, string app, string identity, string expected)
    {
        Assert.True(PolicyPathTemplate.TryCreate(template, out var path, out _));
        Assert.Equal(expected, path.Render(app, identity));
    }

    [Theory]
    [InlineData(".github/sts/{app}/ci.sts.yaml")]
    [InlineData("/etc/{identity}")]
    [InlineData("../{identity}.yaml")]
    [InlineData(".github//{identity}.yaml")]
    [InlineData(".github/{ref}/{identity}.yaml")]
    [InlineData(".github/{identity}.yaml?ref=x")]
    public void Policy_path_templates_reject_unsafe_shapes(string template) =>
        Assert.False(PolicyPathTemplate.TryCreate(template, out _, out _));

    [Fact]
    public void Policy_path_render_refuses_unvalidated_names()
    {
        Assert.True(PolicyPathTemplate.TryCreate(PolicyPathTemplate.OctoStsLayout, out var path, out _));
        Assert.Throws<ArgumentException>(() => path.Render("default", "../x"));
    }
}
