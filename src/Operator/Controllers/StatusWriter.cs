using System.Text.Json;
using System.Text.Json.Nodes;
using GithubSts.Operator.Kubernetes;
using GithubSts.Operator.Kubernetes.Models;
using GithubSts.Operator.Runtime;

namespace GithubSts.Operator.Controllers;

/// <summary>
/// Writes <c>status</c> with a merge patch on the status subresource, only on the leader (every replica reconciles
/// to keep its own index; one writes). Followers skip silently; the new leader re-reconciles everything.
/// </summary>
public sealed class StatusWriter(KubernetesApiClient client, Func<bool> isLeader, EventRecorder? events = null)
{
    public bool IsLeader => isLeader();

    /// <summary>
    /// Writes the status; when the <c>Ready</c> condition changed (status or reason) also records an Event, Normal when
    /// it became True and Warning otherwise, so <c>kubectl describe</c> shows the history.
    /// </summary>
    /// <param name="recordFirstReady">
    /// Whether a new object becoming Ready at its first reconcile is worth an Event. False for high-volume resources:
    /// the condition already says so, and applying thousands of them would double the API server writes.
    /// </param>
    public async Task WriteAsync<TStatus>(
        ResourceType type, KubernetesObject target, TStatus status, CancellationToken cancellationToken,
        Condition? previousReady = null, Condition? ready = null, bool recordFirstReady = true)
    {
        if (!isLeader())
        {
            return;
        }

        if (events is not null && ready is not null
            && (previousReady is null || previousReady.Status != ready.Status || previousReady.Reason != ready.Reason)
            && (recordFirstReady || previousReady is not null || ready.Status != "True"))
        {
            var eventType = ready.Status == "True" ? EventRecorder.Normal : EventRecorder.Warning;
            await events.RecordAsync(EventRecorder.ReferenceTo(target), eventType, ready.Reason ?? "Unknown", ready.Message ?? string.Empty, cancellationToken);
        }

        var patch = new JsonObject { ["status"] = JsonSerializer.SerializeToNode(status, KubernetesApiClient.JsonOptions) };
        try
        {
            await client.PatchMergeAsync<KubernetesObject>(type, target.Metadata.Namespace, target.Metadata.Name!, patch, statusSubresource: true, cancellationToken);
        }
        catch (KubernetesNotFoundException)
        {
            // Deleted meanwhile: nothing to report on.
        }
    }
}
