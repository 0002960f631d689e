using GithubSts.Operator.Apis.V1Alpha1;
using GithubSts.Operator.GitHubTokens;
using GithubSts.Operator.Kubernetes.Models;

namespace GithubSts.Operator.Tests.GitHubTokens;

/// <summary>A GitHubToken's spec is checked with the TrustPolicy rules: the permission catalogue, scopes, repositories.</summary>
public sealed class GitHubTokenSpecRulesTests
{
    [Fact]
    public void A_repository_token_with_defaults_is_valid()
    {
        var request = GitHubTokenSpecRules.Validate(Token()).Request;
        Assert.NotNull(request);
        Assert.Equal("ci", request.Secret.Name);
        Assert.Equal(SecretFormat.Token, request.Secret.Format);
        Assert.Equal(TimeSpan.FromMinutes(15), request.RefreshBefore);
        Assert.Null(request.Repositories);
    }

    [Theory]
    [InlineData("octo-org/octo-repo", null, "contents", "read", null, null, null)]
    [InlineData("octo-org/octo-repo", null, "members", "read", null, null, "organization permission")]
    [InlineData("octo-org/octo-repo", null, "contnets", "read", null, null, "not a GitHub App permission")]
    [InlineData("octo-org/octo-repo", null, "contents", "none", null, null, "level")]
    [InlineData("octo-org", null, "contents", "read", null, null, "must list the repositories")]
    [InlineData("octo-org", "*", "members", "read", null, null, null)]
    [InlineData("octo-org/octo-repo", "octo-repo", "contents", "read", null, null, "only allowed in organization")]
    [InlineData("octo-org/octo-repo", null, "contents", "read", "jks", null, "secret.format")]
    [InlineData("octo-org/octo-repo", null, "contents", "read", null, "2h", "refreshBefore")]
    [InlineData("octo-org/octo-repo", null, "contents", "read", null, "90s", null)]
    [InlineData("not a scope", null, "contents", "read", null, null, "scope")]
    public void The_spec_is_checked_like_a_trust_policy(
        string scope, string? repository, string permission, string level, string? format, string? refreshBefore, string? problem)
    {
        var token = Token();
        token.Spec.Scope = scope;
        token.Spec.Repositories = repository is null ? null : [repository];
        token.Spec.Permissions = new() { [permission] = level };
        token.Spec.Secret = new GitHubTokenSecret { Format = format };
        token.Spec.RefreshBefore = refreshBefore;

        var outcome = GitHubTokenSpecRules.Validate(token);
        if (problem is null)
        {
            Assert.NotNull(outcome.Request);
        }
        else
        {
            Assert.Null(outcome.Request);
            Assert.Contains(problem, outcome.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Labels_the_operator_sets_cannot_be_overridden()
    {
        var token = Token();
        token.Spec.Secret = new GitHubTokenSecret { Labels = new() { ["argocd.argoproj.io/secret-type"] = "cluster" } };
        Assert.Contains("argocd.argoproj.io/secret-type", GitHubTokenSpecRules.Validate(token).Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("https://api.github.com/", "https://github.com/")]
    [InlineData("https://api.acme.ghe.com/", "https://acme.ghe.com/")]
    [InlineData("https://ghe.example.com/api/v3/", "https://ghe.example.com/")]
    public void The_web_url_is_derived_from_the_api_url(string api, string web) =>
        Assert.Equal(new Uri(web), GitHubWebUrl.For(new Uri(api)));

    [Theory]
    [InlineData(SecretFormat.Token)]
    [InlineData(SecretFormat.BasicAuth)]
    [InlineData(SecretFormat.ArgoCdRepository)]
    [InlineData(SecretFormat.GitCredentials)]
    public void The_token_is_read_back_from_every_format(SecretFormat format)
    {
        var data = SecretContent.Data(format, "ghs_secret", new Exchange.Requests.ExchangeTarget("octo-org", "octo-repo"), new Uri("https://github.com/"));
        Assert.Equal("ghs_secret", SecretContent.TokenOf(data));
    }

    private static GitHubToken Token() => new()
    {
        Metadata = new ObjectMeta { Namespace = "team-a", Name = "ci" },
        Spec = new GitHubTokenSpec { App = "default", Scope = "octo-org/octo-repo", Permissions = new() { ["contents"] = "read" } },
    };
}
