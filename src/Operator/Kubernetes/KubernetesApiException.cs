using GithubSts.Operator.Kubernetes.Models;

namespace GithubSts.Operator.Kubernetes;

/// <summary>
/// A failed API call. <see cref="StatusCode"/> is the HTTP status (0 when no answer arrived: see
/// <see cref="KubernetesUnavailableException"/>) and <see cref="Status"/> the server's <c>Status</c> body, when it sent one.
/// Messages never contain request bodies or credentials.
/// </summary>
public class KubernetesApiException : Exception
{
    public KubernetesApiException()
        : this(0, null, "The Kubernetes API call failed.")
    {
    }

    public KubernetesApiException(string message)
        : this(0, null, message)
    {
    }

    public KubernetesApiException(string message, Exception innerException)
        : this(0, null, message, innerException)
    {
    }

    public KubernetesApiException(int statusCode, ApiStatus? status)
        : this(statusCode, status, DefaultMessage(statusCode, status))
    {
    }

    public KubernetesApiException(int statusCode, ApiStatus? status, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        StatusCode = statusCode;
        Status = status;
    }

    public int StatusCode { get; }

    public ApiStatus? Status { get; }

    /// <summary>The Status reason (<c>NotFound</c>, <c>Conflict</c>, <c>Expired</c>, …), if any.</summary>
    public string? Reason => Status?.Reason;

    /// <summary>The server's <c>Retry-After</c> (header or <c>details.retryAfterSeconds</c>), if it sent one.</summary>
    public TimeSpan? RetryAfter { get; init; }

    /// <summary>No answer, 429 or a 5xx: retrying later may succeed.</summary>
    public bool IsTransient => StatusCode is 0 or 429 or >= 500;

    /// <summary>The typed exception for an HTTP status and Status body.</summary>
    public static KubernetesApiException Create(int statusCode, ApiStatus? status, TimeSpan? retryAfter = null)
    {
        var message = DefaultMessage(statusCode, status);
        return statusCode switch
        {
            401 => new KubernetesUnauthorizedException(status, message) { RetryAfter = retryAfter },
            403 => new KubernetesForbiddenException(status, message) { RetryAfter = retryAfter },
            404 => new KubernetesNotFoundException(status, message) { RetryAfter = retryAfter },
            409 => new KubernetesConflictException(status, message) { RetryAfter = retryAfter },
            410 => new KubernetesGoneException(status, message) { RetryAfter = retryAfter },
            _ => new KubernetesApiException(statusCode, status, message) { RetryAfter = retryAfter },
        };
    }

    /// <summary>True for 410, and for reason <c>Expired</c>/<c>Gone</c> whatever the code (client-go <c>isExpiredError</c>).</summary>
    public static bool IsExpired(int statusCode, ApiStatus? status) =>
        statusCode == 410 || status?.Code == 410 || status?.Reason is "Expired" or "Gone";

    private static string DefaultMessage(int statusCode, ApiStatus? status)
    {
        var text = $"Kubernetes API answered {statusCode}";
        if (!string.IsNullOrEmpty(status?.Reason))
        {
            text += $" ({status.Reason})";
        }

        return string.IsNullOrEmpty(status?.Message) ? text + "." : $"{text}: {status.Message}";
    }
}

/// <summary>401: the credentials were refused.</summary>
public sealed class KubernetesUnauthorizedException : KubernetesApiException
{
    public KubernetesUnauthorizedException()
        : base(401, null)
    {
    }

    public KubernetesUnauthorizedException(string message)
        : base(401, null, message)
    {
    }

    public KubernetesUnauthorizedException(string message, Exception innerException)
        : base(401, null, message, innerException)
    {
    }

    public KubernetesUnauthorizedException(ApiStatus? status, string message)
        : base(401, status, message)
    {
    }
}

/// <summary>403: RBAC (or an admission rule) refused the call.</summary>
public sealed class KubernetesForbiddenException : KubernetesApiException
{
    public KubernetesForbiddenException()
        : base(403, null)
    {
    }

    public KubernetesForbiddenException(string message)
        : base(403, null, message)
    {
    }

    public KubernetesForbiddenException(string message, Exception innerException)
        : base(403, null, message, innerException)
    {
    }

    public KubernetesForbiddenException(ApiStatus? status, string message)
        : base(403, status, message)
    {
    }
}

/// <summary>404: the object (or its namespace, or the resource type) does not exist.</summary>
public sealed class KubernetesNotFoundException : KubernetesApiException
{
    public KubernetesNotFoundException()
        : base(404, null)
    {
    }

    public KubernetesNotFoundException(string message)
        : base(404, null, message)
    {
    }

    public KubernetesNotFoundException(string message, Exception innerException)
        : base(404, null, message, innerException)
    {
    }

    public KubernetesNotFoundException(ApiStatus? status, string message)
        : base(404, status, message)
    {
    }
}

/// <summary>409: <c>AlreadyExists</c> on create, or <c>Conflict</c> (stale <c>resourceVersion</c>) on update.</summary>
public sealed class KubernetesConflictException : KubernetesApiException
{
    public KubernetesConflictException()
        : base(409, null)
    {
    }

    public KubernetesConflictException(string message)
        : base(409, null, message)
    {
    }

    public KubernetesConflictException(string message, Exception innerException)
        : base(409, null, message, innerException)
    {
    }

    public KubernetesConflictException(ApiStatus? status, string message)
        : base(409, status, message)
    {
    }

    public bool AlreadyExists => string.Equals(Reason, "AlreadyExists", StringComparison.Ordinal);
}

/// <summary>410: the <c>resourceVersion</c> (or continue token) is older than etcd's compaction window. Relist.</summary>
public sealed class KubernetesGoneException : KubernetesApiException
{
    public KubernetesGoneException()
        : base(410, null)
    {
    }

    public KubernetesGoneException(string message)
        : base(410, null, message)
    {
    }

    public KubernetesGoneException(string message, Exception innerException)
        : base(410, null, message, innerException)
    {
    }

    public KubernetesGoneException(ApiStatus? status, string message)
        : base(410, status, message)
    {
    }
}

/// <summary>No usable answer: connection refused or reset, TLS failure, timeout, or a malformed response. Retry later.</summary>
public sealed class KubernetesUnavailableException : KubernetesApiException
{
    public KubernetesUnavailableException()
        : base("The Kubernetes API server is unavailable.")
    {
    }

    public KubernetesUnavailableException(string message)
        : base(message)
    {
    }

    public KubernetesUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>The kubeconfig or in-cluster files are present but unusable (the message names the problem).</summary>
public sealed class KubernetesConfigurationException : Exception
{
    public KubernetesConfigurationException()
    {
    }

    public KubernetesConfigurationException(string message)
        : base(message)
    {
    }

    public KubernetesConfigurationException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
