namespace GithubSts.Operator.Kubernetes.Models;

/// <summary><c>metav1.DeleteOptions</c> (the subset a controller needs).</summary>
public sealed class DeleteOptions
{
    public string ApiVersion { get; set; } = "v1";

    public string Kind { get; set; } = "DeleteOptions";

    /// <summary><c>Background</c>, <c>Foreground</c> or <c>Orphan</c>.</summary>
    public string? PropagationPolicy { get; set; }

    public long? GracePeriodSeconds { get; set; }

    public DeletePreconditions? Preconditions { get; set; }
}

public sealed class DeletePreconditions
{
    public string? Uid { get; set; }

    public string? ResourceVersion { get; set; }
}
