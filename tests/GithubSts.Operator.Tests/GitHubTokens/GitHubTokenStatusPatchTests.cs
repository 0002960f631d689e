using GithubSts.Operator.Apis.V1Alpha1;
using GithubSts.Operator.GitHubTokens;

namespace GithubSts.Operator.Tests.GitHubTokens;

/// <summary>The status is written with a merge patch: what is gone must be written as null, or it would stay.</summary>
public sealed class GitHubTokenStatusPatchTests
{
    [Fact]
    public void A_withdrawn_token_clears_every_token_field()
    {
        var previous = new GitHubTokenStatus
        {
            TokenFingerprint = "ab",
            ExpiresAt = DateTimeOffset.UnixEpoch,
            Permissions = new() { ["contents"] = "read" },
            Repositories = ["octo-repo"],
            SecretName = "ci",
        };

        var patch = GitHubTokenResources.ToPatch(previous, new GitHubTokenStatus { ObservedGeneration = 2 });

        foreach (var field in new[] { "tokenFingerprint", "expiresAt", "refreshedAt", "permissions", "repositories", "secretName", "app", "scope", "issuedGeneration" })
        {
            Assert.True(patch.ContainsKey(field) && patch[field] is null, field);
        }

        Assert.Equal(2, (long)patch["observedGeneration"]!);
    }

    [Fact]
    public void A_permission_github_no_longer_grants_is_removed_from_the_map()
    {
        var patch = GitHubTokenResources.ToPatch(
            new GitHubTokenStatus { Permissions = new() { ["contents"] = "write", ["issues"] = "read" } },
            new GitHubTokenStatus { Permissions = new() { ["contents"] = "read" } });

        var permissions = patch["permissions"]!.AsObject();
        Assert.Equal("read", (string?)permissions["contents"]);
        Assert.True(permissions.ContainsKey("issues") && permissions["issues"] is null);
    }

    [Theory]
    [InlineData(SecretFormat.ArgoCdRepository, "octo-org/octo-repo", "repository")]
    [InlineData(SecretFormat.ArgoCdRepository, "octo-org", "repo-creds")]
    [InlineData(SecretFormat.BasicAuth, "octo-org/octo-repo", null)]
    public void The_operators_labels_win_over_the_users(SecretFormat format, string scope, string? argoType)
    {
        Assert.True(Exchange.Requests.ExchangeTarget.TryParse(scope, out var target));
        var plan = new SecretPlan("ci", format, new Dictionary<string, string> { ["app.kubernetes.io/managed-by"] = "me", ["team"] = "a" }, new Dictionary<string, string>());
        var labels = SecretContent.Labels(plan, "ci", target);
        Assert.Equal("github-sts", labels["app.kubernetes.io/managed-by"]);
        Assert.Equal("a", labels["team"]);
        Assert.Equal(argoType, labels.GetValueOrDefault("argocd.argoproj.io/secret-type"));
    }
}
