namespace GithubSts.Operator.Kubernetes.Models;

/// <summary><c>metav1.Condition</c>. <see cref="LastTransitionTime"/> is written with whole seconds (RFC 3339).</summary>
public sealed class Condition
{
    public string Type { get; set; } = string.Empty;

    /// <summary><c>True</c>, <c>False</c> or <c>Unknown</c>.</summary>
    public string Status { get; set; } = string.Empty;

    public long? ObservedGeneration { get; set; }

    public DateTimeOffset? LastTransitionTime { get; set; }

    public string? Reason { get; set; }

    public string? Message { get; set; }
}
