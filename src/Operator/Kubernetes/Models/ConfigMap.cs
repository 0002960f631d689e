namespace GithubSts.Operator.Kubernetes.Models;

/// <summary><c>v1 ConfigMap</c>.</summary>
public sealed class ConfigMap : KubernetesObject
{
    public IDictionary<string, string>? Data { get; set; }

    public IDictionary<string, byte[]>? BinaryData { get; set; }

    public bool? Immutable { get; set; }
}
