using GithubSts.Operator.Kubernetes.Models;

namespace GithubSts.Operator.Runtime;

/// <summary>The identity of an object in a store or work queue: namespace (null when cluster-scoped) and name.</summary>
public readonly record struct ObjectKey(string? Namespace, string Name)
{
    public static ObjectKey For(KubernetesObject obj)
    {
        ArgumentNullException.ThrowIfNull(obj);
        var name = obj.Metadata.Name;
        ArgumentException.ThrowIfNullOrEmpty(name, "obj.Metadata.Name");
        return new ObjectKey(string.IsNullOrEmpty(obj.Metadata.Namespace) ? null : obj.Metadata.Namespace, name);
    }

    /// <summary><c>namespace/name</c>, or <c>name</c> when cluster-scoped.</summary>
    public override string ToString() => Namespace is null ? Name : $"{Namespace}/{Name}";
}
