namespace GithubSts.Operator.Kubernetes.Models;

/// <summary>
/// The envelope every Kubernetes object shares: <c>apiVersion</c>, <c>kind</c> and <c>metadata</c>. Typed models derive
/// from it and add <c>spec</c>/<c>status</c>/<c>data</c>. Fields a model does not declare are dropped on read, so write
/// with merge patches or apply, never by PUTting a typed copy of an object that has fields the model does not know.
/// </summary>
public class KubernetesObject
{
    public string? ApiVersion { get; set; }

    public string? Kind { get; set; }

    public ObjectMeta Metadata { get; set; } = new();
}
