namespace GithubSts.Operator.Kubernetes.Models;

/// <summary><c>authentication.k8s.io/v1 TokenReview</c>: create it, read <see cref="Status"/> from the answer.</summary>
public sealed class TokenReview : KubernetesObject
{
    public TokenReviewSpec Spec { get; set; } = new();

    public TokenReviewStatus? Status { get; set; }
}

public sealed class TokenReviewSpec
{
    public string? Token { get; set; }

    public IList<string>? Audiences { get; set; }
}

public sealed class TokenReviewStatus
{
    public bool Authenticated { get; set; }

    public UserInfo? User { get; set; }

    public IList<string>? Audiences { get; set; }

    public string? Error { get; set; }
}

/// <summary><c>authentication.k8s.io/v1 UserInfo</c>.</summary>
public sealed class UserInfo
{
    public string? Username { get; set; }

    public string? Uid { get; set; }

    public IList<string>? Groups { get; set; }

    public IDictionary<string, IList<string>>? Extra { get; set; }
}
