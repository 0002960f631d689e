namespace GithubSts.Operator.Kubernetes.Models;

/// <summary><c>v1 ServiceAccount</c> (metadata only; tokens are requested with the TokenRequest API).</summary>
public sealed class ServiceAccount : KubernetesObject
{
    public bool? AutomountServiceAccountToken { get; set; }
}
