namespace GithubSts.Operator.Kubernetes.Models;

/// <summary><c>corev1.ObjectReference</c>, used by Events (<c>regarding</c>).</summary>
public sealed class ObjectReference
{
    public string? ApiVersion { get; set; }

    public string? Kind { get; set; }

    public string? Namespace { get; set; }

    public string? Name { get; set; }

    public string? Uid { get; set; }

    public string? ResourceVersion { get; set; }

    public string? FieldPath { get; set; }

    /// <summary>A reference to <paramref name="obj"/> (which must carry apiVersion and kind, as objects from the client do).</summary>
    public static ObjectReference For(KubernetesObject obj)
    {
        ArgumentNullException.ThrowIfNull(obj);
        return new ObjectReference
        {
            ApiVersion = obj.ApiVersion,
            Kind = obj.Kind,
            Namespace = obj.Metadata.Namespace,
            Name = obj.Metadata.Name,
            Uid = obj.Metadata.Uid,
            ResourceVersion = obj.Metadata.ResourceVersion,
        };
    }
}
