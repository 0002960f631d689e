using System.Text.Json;
using GithubSts.Operator.Kubernetes.Models;
using k8s.Autorest;

namespace GithubSts.Operator.Kubernetes;

/// <summary>
/// Typed calls of the KubernetesClient library (built-in kinds: Lease, events.k8s.io Event, TokenReview, TokenRequest)
/// with the same contract as our own calls: one deadline per call (<see cref="KubernetesClientConfiguration.RequestTimeout"/>),
/// short 429 Retry-After honoured, and every failure a typed <see cref="KubernetesApiException"/>
/// (<see cref="KubernetesUnavailableException"/> when no answer arrived), so callers need not know which path sent it.
/// </summary>
public sealed partial class KubernetesApiClient
{
    /// <summary>The library client (same HTTP pipeline and credentials); call it through <see cref="CallAsync{T}"/>.</summary>
    public k8s.IKubernetes Library => _library;

    /// <summary>
    /// Runs one library call. <paramref name="operation"/> names it in logs and messages (never a body or credential).
    /// </summary>
    public async Task<T> CallAsync<T>(string operation, Func<k8s.IKubernetes, CancellationToken, Task<T>> call, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(call);
        for (var attempt = 0; ; attempt++)
        {
            using var timeout = new CancellationTokenSource(_config.RequestTimeout, _time);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, timeout.Token);
            try
            {
                return await call(_library, linked.Token);
            }
            catch (HttpOperationException ex)
            {
                var status = (int)ex.Response.StatusCode;
                var apiStatus = ParseStatus(ex.Response.Content, status);
                var retryAfter = RetryAfter(ex.Response, apiStatus);
                if (status == 429 && attempt < Max429Retries && retryAfter is { } wait && wait <= MaxRetryAfter)
                {
                    LogThrottled(operation, wait.TotalSeconds);
                    await Task.Delay(wait, _time, ct);
                    continue;
                }

                LogFailed(operation, ex.Request?.Method.Method ?? "", ex.Request?.RequestUri?.AbsolutePath ?? "", status, apiStatus?.Reason);
                throw KubernetesApiException.Create(status, apiStatus, retryAfter);
            }
            catch (JsonException ex)
            {
                throw new KubernetesUnavailableException($"Kubernetes {operation} returned a malformed body.", ex);
            }
            catch (Exception ex) when (IsTransport(ex) || (ex is OperationCanceledException && !ct.IsCancellationRequested))
            {
                throw Unavailable(operation, ex);
            }
        }
    }

    private static ApiStatus? ParseStatus(string? body, int statusCode)
    {
        if (string.IsNullOrEmpty(body))
        {
            return null;
        }

        try
        {
            var status = JsonSerializer.Deserialize<ApiStatus>(body, KubernetesJson.Options);
            if (status is not null && string.Equals(status.Kind, "Status", StringComparison.Ordinal))
            {
                return status;
            }
        }
        catch (JsonException)
        {
            // Not a Status (e.g. a proxy's HTML page): keep a short text excerpt.
        }

        return new ApiStatus { Kind = "Status", Status = "Failure", Message = body[..Math.Min(body.Length, 256)].Trim(), Code = statusCode };
    }

    private static TimeSpan? RetryAfter(HttpResponseMessageWrapper response, ApiStatus? status)
    {
        if (response.Headers.TryGetValue("Retry-After", out var values)
            && values.FirstOrDefault() is { } text
            && int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var headerSeconds))
        {
            return TimeSpan.FromSeconds(headerSeconds);
        }

        return status?.Details?.RetryAfterSeconds is { } seconds and >= 0 ? TimeSpan.FromSeconds(seconds) : null;
    }
}
