using GithubSts.Operator.Apis.V1Alpha1;
using GithubSts.Operator.Kubernetes.Models;

namespace GithubSts.IntegrationTests.Operator;

/// <summary>A GitHubToken with working defaults (app default, octo-org/octo-repo, contents: read, format token).</summary>
internal sealed class GitHubTokenBuilder(string ns, string name)
{
    private readonly GitHubToken _token = new()
    {
        ApiVersion = "githubsts.io/v1alpha1",
        Kind = "GitHubToken",
        Metadata = new ObjectMeta { Namespace = ns, Name = name },
        Spec = new GitHubTokenSpec { App = "default", Scope = "octo-org/octo-repo", Permissions = new() { ["contents"] = "read" } },
    };

    public GitHubTokenBuilder App(string app)
    {
        _token.Spec.App = app;
        return this;
    }

    public GitHubTokenBuilder Scope(string scope, params string[] repositories)
    {
        _token.Spec.Scope = scope;
        _token.Spec.Repositories = repositories.Length == 0 ? null : [.. repositories];
        return this;
    }

    public GitHubTokenBuilder Permissions(params (string Name, string Level)[] permissions)
    {
        _token.Spec.Permissions = permissions.ToDictionary(p => p.Name, p => p.Level, StringComparer.Ordinal);
        return this;
    }

    public GitHubTokenBuilder Format(string format)
    {
        (_token.Spec.Secret ??= new GitHubTokenSecret()).Format = format;
        return this;
    }

    public GitHubTokenBuilder SecretName(string secretName)
    {
        (_token.Spec.Secret ??= new GitHubTokenSecret()).Name = secretName;
        return this;
    }

    public GitHubTokenBuilder SecretLabels(Dictionary<string, string> labels, Dictionary<string, string>? annotations = null)
    {
        var secret = _token.Spec.Secret ??= new GitHubTokenSecret();
        secret.Labels = labels;
        secret.Annotations = annotations;
        return this;
    }

    public GitHubTokenBuilder RefreshBefore(string duration)
    {
        _token.Spec.RefreshBefore = duration;
        return this;
    }

    public GitHubToken Build() => _token;
}
