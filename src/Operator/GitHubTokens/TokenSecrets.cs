using System.Text.Json.Nodes;
using GithubSts.Operator.Apis.V1Alpha1;
using GithubSts.Operator.Kubernetes;
using k8s;
using k8s.Models;

namespace GithubSts.Operator.GitHubTokens;

/// <summary>
/// The Secrets GitHubTokens own, on KubernetesClient's <see cref="V1Secret"/> through
/// <see cref="KubernetesApiClient.CallAsync{T}"/>. Only named Secrets are read (never listed or watched): a Secret is
/// created (which fails when the name is taken), or read by name to check it is owned by the GitHubToken (a controller
/// owner reference with its uid) before a merge patch that carries the read resourceVersion, so nothing written since
/// the check is overwritten. A Secret owned by anything else is never written or deleted.
/// </summary>
public sealed class TokenSecrets(KubernetesApiClient client)
{
    public const string FieldManager = "github-sts-githubtoken";

    /// <summary>The Secret as it is now: absent, owned by this GitHubToken, or someone else's.</summary>
    public sealed record Observed(bool Exists, bool Owned, V1Secret? Secret)
    {
        public static Observed Absent { get; } = new(false, false, null);

        public string? Token => Owned ? SecretContent.TokenOf(Secret?.Data) : null;
    }

    public async Task<Observed> ReadAsync(GitHubToken owner, string name, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(owner);
        try
        {
            var secret = await client.CallAsync(
                "read GitHubToken Secret", (k, t) => k.CoreV1.ReadNamespacedSecretAsync(name, owner.Metadata.Namespace, cancellationToken: t), ct);
            return new Observed(true, IsOwnedBy(secret, owner), secret);
        }
        catch (KubernetesNotFoundException)
        {
            return Observed.Absent;
        }
    }

    /// <summary>Creates the Secret or updates the owned one; <see cref="KubernetesConflictException"/> when it changed or appeared meanwhile.</summary>
    public Task WriteAsync(
        GitHubToken owner, Observed current, string name, IDictionary<string, byte[]> data, IDictionary<string, string> labels,
        IDictionary<string, string> annotations, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(owner);
        ArgumentNullException.ThrowIfNull(current);
        if (!current.Exists)
        {
            var secret = new V1Secret
            {
                ApiVersion = "v1",
                Kind = "Secret",
                Type = "Opaque",
                Metadata = new V1ObjectMeta
                {
                    Name = name,
                    NamespaceProperty = owner.Metadata.Namespace,
                    Labels = labels,
                    Annotations = annotations,
                    OwnerReferences = [OwnerReferenceTo(owner)],
                },
                Data = data,
            };
            return client.CallAsync(
                "create GitHubToken Secret",
                (k, t) => k.CoreV1.CreateNamespacedSecretAsync(secret, owner.Metadata.Namespace, fieldManager: FieldManager, cancellationToken: t),
                ct);
        }

        if (!current.Owned)
        {
            throw new InvalidOperationException("The Secret is not owned by this GitHubToken.");
        }

        // A merge patch that makes labels, annotations and data exactly these (null removes what was there before),
        // and fails with 409 if the Secret changed since it was read.
        var existing = current.Secret!;
        var patch = new JsonObject
        {
            ["metadata"] = new JsonObject
            {
                ["resourceVersion"] = existing.Metadata.ResourceVersion,
                ["labels"] = Exactly(existing.Metadata.Labels, labels.ToDictionary(p => p.Key, p => (JsonNode?)p.Value, StringComparer.Ordinal)),
                ["annotations"] = Exactly(existing.Metadata.Annotations, annotations.ToDictionary(p => p.Key, p => (JsonNode?)p.Value, StringComparer.Ordinal)),
            },
            ["data"] = Exactly(existing.Data, data.ToDictionary(p => p.Key, p => (JsonNode?)Convert.ToBase64String(p.Value), StringComparer.Ordinal)),
        };
        return client.CallAsync(
            "patch GitHubToken Secret",
            (k, t) => k.CoreV1.PatchNamespacedSecretAsync(
                new V1Patch(patch.ToJsonString(), V1Patch.PatchType.MergePatch), name, owner.Metadata.Namespace, fieldManager: FieldManager, cancellationToken: t),
            ct);
    }

    /// <summary>Removes every key of the owned Secret (the token is withdrawn); labels and owner stay.</summary>
    public Task EmptyAsync(GitHubToken owner, Observed current, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(current);
        return current is { Owned: true, Secret: { } secret }
            ? WriteAsync(owner, current, secret.Metadata.Name, new Dictionary<string, byte[]>(),
                secret.Metadata.Labels ?? new Dictionary<string, string>(),
                (secret.Metadata.Annotations ?? new Dictionary<string, string>())
                    .Where(p => !string.Equals(p.Key, SecretContent.ExpiresAtAnnotation, StringComparison.Ordinal))
                    .ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal),
                ct)
            : Task.CompletedTask;
    }

    /// <summary>Deletes the owned Secret, on the condition that its uid is still the one read (never someone else's).</summary>
    public async Task DeleteAsync(GitHubToken owner, Observed current, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(owner);
        ArgumentNullException.ThrowIfNull(current);
        if (current is not { Owned: true, Secret: { } secret })
        {
            return;
        }

        try
        {
            await client.CallAsync(
                "delete GitHubToken Secret",
                (k, t) => k.CoreV1.DeleteNamespacedSecretAsync(
                    secret.Metadata.Name, owner.Metadata.Namespace,
                    new V1DeleteOptions { Preconditions = new V1Preconditions { Uid = secret.Metadata.Uid } }, cancellationToken: t),
                ct);
        }
        catch (KubernetesNotFoundException)
        {
            // Gone already.
        }
    }

    public static bool IsOwnedBy(V1Secret secret, GitHubToken owner)
    {
        ArgumentNullException.ThrowIfNull(secret);
        ArgumentNullException.ThrowIfNull(owner);
        return secret.Metadata.OwnerReferences?.Any(r =>
            r.Controller == true
            && string.Equals(r.Uid, owner.Metadata.Uid, StringComparison.Ordinal)
            && string.Equals(r.Kind, GithubStsResourceTypes.GitHubTokens.Kind, StringComparison.Ordinal)
            && string.Equals(r.ApiVersion, ApiVersion, StringComparison.Ordinal)) == true;
    }

    private static string ApiVersion => $"{GithubStsResourceTypes.Group}/{GithubStsResourceTypes.Version}";

    private static V1OwnerReference OwnerReferenceTo(GitHubToken owner) => new()
    {
        ApiVersion = ApiVersion,
        Kind = GithubStsResourceTypes.GitHubTokens.Kind,
        Name = owner.Metadata.Name,
        Uid = owner.Metadata.Uid,
        Controller = true,
    };

    private static JsonObject Exactly<TValue>(IDictionary<string, TValue>? existing, Dictionary<string, JsonNode?> desired)
    {
        var result = new JsonObject();
        foreach (var key in existing?.Keys ?? [])
        {
            if (!desired.ContainsKey(key))
            {
                result[key] = null;
            }
        }

        foreach (var (key, value) in desired)
        {
            result[key] = value;
        }

        return result;
    }
}
