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
public sealed class StatusWriter(KubernetesApiClient client, Func<bool> isLeader)
{
    public bool IsLeader => isLeader();

    public async Task WriteAsync<TStatus>(ResourceType type, KubernetesObject target, TStatus status, CancellationToken cancellationToken)
    {
        if (!isLeader())
        {
            return;
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
