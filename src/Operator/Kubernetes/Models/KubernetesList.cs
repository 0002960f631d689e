namespace GithubSts.Operator.Kubernetes.Models;

/// <summary>A <c>…List</c> response. Items of built-in lists arrive without kind/apiVersion; the client fills them in.</summary>
public sealed class KubernetesList<T>
{
    public string? ApiVersion { get; set; }

    public string? Kind { get; set; }

    public ListMeta Metadata { get; set; } = new();

    public IList<T> Items { get; set; } = [];
}
