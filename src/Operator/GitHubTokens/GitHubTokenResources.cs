using System.Text.Json;
using System.Text.Json.Nodes;
using GithubSts.Operator.Apis.V1Alpha1;
using GithubSts.Operator.Controllers;
using GithubSts.Operator.Kubernetes;
using GithubSts.Operator.Kubernetes.Models;
using GithubSts.Operator.Runtime;

namespace GithubSts.Operator.GitHubTokens;

/// <summary>Writes to GitHubToken resources: the finalizer (merge patches carrying the read resourceVersion) and status.</summary>
public sealed class GitHubTokenResources(KubernetesApiClient client, StatusWriter status)
{
    public bool IsLeader => status.IsLeader;

    /// <summary>The resource as the API server has it now; null when it is gone.</summary>
    public async Task<GitHubToken?> ReadAsync(ObjectKey key, CancellationToken ct)
    {
        try
        {
            return await client.GetAsync<GitHubToken>(GithubStsResourceTypes.GitHubTokens, key.Namespace, key.Name, ct);
        }
        catch (KubernetesNotFoundException)
        {
            return null;
        }
    }

    /// <summary>The resource with <paramref name="finalizer"/>, added if it was missing.</summary>
    public async Task<GitHubToken> EnsureFinalizerAsync(GitHubToken resource, string finalizer, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(resource);
        var finalizers = resource.Metadata.Finalizers ?? [];
        if (finalizers.Contains(finalizer, StringComparer.Ordinal))
        {
            return resource;
        }

        return await PatchFinalizersAsync(resource, [.. finalizers, finalizer], ct);
    }

    public async Task RemoveFinalizerAsync(GitHubToken resource, string finalizer, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(resource);
        var finalizers = resource.Metadata.Finalizers ?? [];
        if (finalizers.Contains(finalizer, StringComparer.Ordinal))
        {
            try
            {
                await PatchFinalizersAsync(resource, [.. finalizers.Where(f => !string.Equals(f, finalizer, StringComparison.Ordinal))], ct);
            }
            catch (KubernetesNotFoundException)
            {
                // Gone already.
            }
        }
    }

    public Task WriteStatusAsync(GitHubToken resource, GitHubTokenStatus next, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(resource);
        ArgumentNullException.ThrowIfNull(next);
        return status.WriteAsync(
            GithubStsResourceTypes.GitHubTokens, resource, ToPatch(resource.Status, next), ct,
            ReadyOf(resource.Status?.Conditions), ReadyOf(next.Conditions), recordFirstReady: false);
    }

    /// <summary>
    /// The status as a merge patch that replaces it: fields now absent are written as null (a merge patch would keep
    /// them), and so are permissions GitHub no longer grants (maps are merged key by key).
    /// </summary>
    internal static JsonObject ToPatch(GitHubTokenStatus? previous, GitHubTokenStatus next)
    {
        var patch = JsonSerializer.SerializeToNode(next, KubernetesApiClient.JsonOptions)!.AsObject();
        foreach (var field in OptionalFields)
        {
            if (!patch.ContainsKey(field))
            {
                patch[field] = null;
            }
        }

        if (next.Permissions is not null && previous?.Permissions is { } before)
        {
            var permissions = patch["permissions"]!.AsObject();
            foreach (var name in before.Keys.Where(name => !next.Permissions.ContainsKey(name)))
            {
                permissions[name] = null;
            }
        }

        return patch;
    }

    private static readonly string[] OptionalFields =
        ["issuedGeneration", "app", "scope", "secretName", "expiresAt", "refreshedAt", "permissions", "repositories", "tokenFingerprint"];

    public static Condition? ReadyOf(IEnumerable<Condition>? conditions) =>
        conditions?.FirstOrDefault(c => string.Equals(c.Type, ConditionTypes.Ready, StringComparison.Ordinal));

    private Task<GitHubToken> PatchFinalizersAsync(GitHubToken resource, List<string> finalizers, CancellationToken ct)
    {
        var patch = new JsonObject
        {
            ["metadata"] = new JsonObject
            {
                ["resourceVersion"] = resource.Metadata.ResourceVersion,
                ["finalizers"] = new JsonArray([.. finalizers.Select(f => (JsonNode?)JsonValue.Create(f))]),
            },
        };
        return client.PatchMergeAsync<GitHubToken>(
            GithubStsResourceTypes.GitHubTokens, resource.Metadata.Namespace, resource.Metadata.Name!, patch, statusSubresource: false, ct);
    }
}
