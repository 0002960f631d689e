namespace GithubSts.Testing.Kubernetes;

/// <summary>A fact that needs etcd and kube-apiserver; skipped (with the reason) when they are not installed.</summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false)]
public sealed class KubernetesFactAttribute : Xunit.FactAttribute
{
    public KubernetesFactAttribute()
    {
        if (KubeApiServer.MissingComponentsReason is { } reason)
        {
            Skip = reason;
        }
    }
}

/// <summary>A theory that needs etcd and kube-apiserver; skipped (with the reason) when they are not installed.</summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false)]
public sealed class KubernetesTheoryAttribute : Xunit.TheoryAttribute
{
    public KubernetesTheoryAttribute()
    {
        if (KubeApiServer.MissingComponentsReason is { } reason)
        {
            Skip = reason;
        }
    }
}
