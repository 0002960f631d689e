namespace GithubSts.Operator.Kubernetes.Models;

/// <summary>
/// <c>metav1.Status</c>: the body of every non-2xx answer and the object of a watch <c>ERROR</c> event. Named
/// <c>ApiStatus</c> so that it does not clash with the <c>status</c> of typed objects.
/// </summary>
public sealed class ApiStatus
{
    public string? ApiVersion { get; set; }

    public string? Kind { get; set; }

    /// <summary><c>Success</c> or <c>Failure</c>.</summary>
    public string? Status { get; set; }

    public string? Message { get; set; }

    /// <summary>Machine-readable reason, e.g. <c>NotFound</c>, <c>AlreadyExists</c>, <c>Conflict</c>, <c>Expired</c>, <c>Gone</c>.</summary>
    public string? Reason { get; set; }

    public ApiStatusDetails? Details { get; set; }

    public int? Code { get; set; }
}

/// <summary><c>metav1.StatusDetails</c>.</summary>
public sealed class ApiStatusDetails
{
    public string? Name { get; set; }

    public string? Group { get; set; }

    public string? Kind { get; set; }

    public string? Uid { get; set; }

    public IList<ApiStatusCause>? Causes { get; set; }

    public int? RetryAfterSeconds { get; set; }
}

/// <summary><c>metav1.StatusCause</c> (e.g. one failed validation).</summary>
public sealed class ApiStatusCause
{
    public string? Reason { get; set; }

    public string? Message { get; set; }

    public string? Field { get; set; }
}
