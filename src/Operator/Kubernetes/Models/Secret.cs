namespace GithubSts.Operator.Kubernetes.Models;

/// <summary><c>v1 Secret</c>. <see cref="Data"/> values are base64 on the wire and raw bytes here.</summary>
public sealed class Secret : KubernetesObject
{
    public IDictionary<string, byte[]>? Data { get; set; }

    /// <summary>Write-only convenience field: the API server merges it into <see cref="Data"/>.</summary>
    public IDictionary<string, string>? StringData { get; set; }

    public string? Type { get; set; }

    public bool? Immutable { get; set; }
}
