using GithubSts.Operator.Kubernetes.Models;

namespace GithubSts.Operator.Apis.V1Alpha1;

/// <summary>
/// A short-lived App installation token the operator mints and keeps renewed in a Secret of the resource's namespace
/// (namespaced, short name <c>ghtoken</c>). Must match config/crds/githubsts.io_githubtokens.yaml.
/// </summary>
public sealed class GitHubToken : KubernetesObject
{
    public GitHubTokenSpec Spec { get; set; } = new();

    public GitHubTokenStatus? Status { get; set; }
}

public sealed class GitHubTokenSpec
{
    public string App { get; set; } = string.Empty;

    /// <summary><c>org/repo</c> or <c>org</c>.</summary>
    public string Scope { get; set; } = string.Empty;

    /// <summary>Organization scope only, and required there: the repositories the token covers (<c>*</c>: the installation's).</summary>
    public List<string>? Repositories { get; set; }

    public Dictionary<string, string>? Permissions { get; set; }

    public GitHubTokenSecret? Secret { get; set; }

    /// <summary>A duration such as <c>15m</c>: renew when less than this remains of the token's life.</summary>
    public string? RefreshBefore { get; set; }
}

public sealed class GitHubTokenSecret
{
    /// <summary>Default: the GitHubToken's name.</summary>
    public string? Name { get; set; }

    /// <summary><c>token</c> (default), <c>basic-auth</c>, <c>argocd-repository</c> or <c>git-credentials</c>.</summary>
    public string? Format { get; set; }

    public Dictionary<string, string>? Labels { get; set; }

    public Dictionary<string, string>? Annotations { get; set; }
}

public sealed class GitHubTokenStatus
{
    public long? ObservedGeneration { get; set; }

    public List<Condition>? Conditions { get; set; }

    /// <summary>The generation the current token was issued for: a spec change issues a new one at once.</summary>
    public long? IssuedGeneration { get; set; }

    /// <summary>The App and scope the current token was minted with (what it is revoked with).</summary>
    public string? App { get; set; }

    public string? Scope { get; set; }

    /// <summary>The Secret that holds the current token (kept so a renamed Secret can be cleaned up).</summary>
    public string? SecretName { get; set; }

    public DateTimeOffset? ExpiresAt { get; set; }

    public DateTimeOffset? RefreshedAt { get; set; }

    /// <summary>What GitHub granted (with the <c>metadata: read</c> it adds to every token).</summary>
    public Dictionary<string, string>? Permissions { get; set; }

    /// <summary>The repositories GitHub limited the token to; absent for a whole-installation token.</summary>
    public List<string>? Repositories { get; set; }

    /// <summary>SHA-256 (lower-case hex) of the current token: never the token.</summary>
    public string? TokenFingerprint { get; set; }
}
