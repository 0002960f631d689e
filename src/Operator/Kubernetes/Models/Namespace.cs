namespace GithubSts.Operator.Kubernetes.Models;

/// <summary><c>v1 Namespace</c>.</summary>
public sealed class Namespace : KubernetesObject
{
    public NamespaceStatus? Status { get; set; }
}

public sealed class NamespaceStatus
{
    /// <summary><c>Active</c> or <c>Terminating</c>.</summary>
    public string? Phase { get; set; }
}
