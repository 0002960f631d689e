using System.Collections.Concurrent;
using GithubSts.Exchange.Apps;
using GithubSts.Exchange.GitHub;
using GithubSts.Operator.Apis.V1Alpha1;
using GithubSts.Operator.Controllers;
using GithubSts.Operator.Index;
using GithubSts.Operator.Kubernetes.Models;
using GithubSts.Operator.Runtime;
using Microsoft.Extensions.Logging;

namespace GithubSts.Operator.GitHubTokens;

/// <summary>
/// GitHubToken → a scoped installation token in a Secret of its namespace, renewed before it expires. Only the leader
/// acts (followers return at once; a new leader reconciles every resource and renews only what is due, from the
/// status, so a failover causes no burst of mints). Authority is exactly a TrustPolicy's: the App must grant the
/// namespace the scope and the permissions must fit its ceiling; when that stops being true the current token is
/// revoked and the Secret emptied. A spec change issues a new token at once and revokes the previous one; a renewal
/// does not revoke (consumers may be mid-use). Deletion (finalizer) revokes the token and deletes the Secret.
/// </summary>
public sealed partial class GitHubTokenReconciler(
    Informer<GitHubToken> tokens,
    Informer<GitHubApp> apps,
    Informer<Namespace> namespaces,
    ClusterAppRegistry registry,
    GitHubApiClient github,
    TokenSecrets secrets,
    GitHubTokenResources resources,
    MintBudget budget,
    GitHubTokenAudit audit,
    GitHubTokenMetrics metrics,
    OperatorContext context,
    TimeProvider time,
    ILogger<GitHubTokenReconciler> logger) : IReconciler<ObjectKey>
{
    public const string Finalizer = "githubsts.io/revoke-token";

    private static readonly TimeSpan RetryApp = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan RetryConflict = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan RetryRefused = TimeSpan.FromMinutes(5);
    private static readonly TimeSpan FirstBackoff = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromMinutes(10);
    private static readonly IReadOnlyDictionary<string, string> NoLabels = new Dictionary<string, string>(StringComparer.Ordinal);

    private readonly ConcurrentDictionary<ObjectKey, int> _failures = new();

    /// <summary>Keys waiting out a backoff, a Retry-After or the budget: their own status writes must not cut the wait short.</summary>
    private readonly ConcurrentDictionary<ObjectKey, (long? Generation, DateTimeOffset Until)> _holds = new();

    public async Task<ReconcileResult> ReconcileAsync(ObjectKey key, CancellationToken ct)
    {
        if (!resources.IsLeader || !tokens.TryGet(key.Namespace, key.Name, out var cached))
        {
            _failures.TryRemove(key, out _);
            _holds.TryRemove(key, out _);
            return ReconcileResult.Done;
        }

        // The informer's copy may lag behind this leader's own last write (a status update not yet watched): good
        // enough to see that nothing is due, but every mint, revocation and Secret write decides on a fresh read.
        if ((NothingDue(cached) ?? Held(key, cached)) is { } wait)
        {
            return ReconcileResult.After(wait);
        }

        if (await resources.ReadAsync(key, ct) is not { } resource)
        {
            return ReconcileResult.Done;
        }

        if (resource.Metadata.DeletionTimestamp is not null)
        {
            await FinalizeAsync(resource, ct);
            return ReconcileResult.Done;
        }

        resource = await resources.EnsureFinalizerAsync(resource, Finalizer, ct);
        var validated = GitHubTokenSpecRules.Validate(resource);
        if (validated.Request is not { } request)
        {
            await WithdrawAsync(resource, ct);
            await ReportAsync(resource, ConditionReasons.InvalidSpec, validated.Message, Cleared(resource), ct);
            return ReconcileResult.Done;
        }

        var (app, refusal) = Admit(resource, request);
        if (refusal is not null)
        {
            var keepsToken = refusal.Reason is ConditionReasons.AppNotFound or ConditionReasons.AppNotReady;
            if (!keepsToken)
            {
                await WithdrawAsync(resource, ct);
            }

            await ReportAsync(resource, refusal.Reason, refusal.Message, keepsToken ? resource.Status : Cleared(resource), ct);
            return keepsToken ? ReconcileResult.After(RetryApp) : ReconcileResult.Done;
        }

        return await IssueIfDueAsync(key, resource, request, app!, ct);
    }

    /// <summary>How long until the renewal, when the resource is admitted, Ready with a token for its generation, and not due.</summary>
    private TimeSpan? NothingDue(GitHubToken resource)
    {
        var status = resource.Status;
        if (resource.Metadata.DeletionTimestamp is not null
            || resource.Metadata.Finalizers?.Contains(Finalizer, StringComparer.Ordinal) != true
            || status is not { TokenFingerprint: not null, ExpiresAt: { } expiresAt }
            || status.IssuedGeneration != resource.Metadata.Generation
            || status.ObservedGeneration != resource.Metadata.Generation
            || GitHubTokenResources.ReadyOf(status.Conditions) is not { Reason: ConditionReasons.Issued }
            || GitHubTokenSpecRules.Validate(resource).Request is not { } request
            || !string.Equals(status.SecretName, request.Secret.Name, StringComparison.Ordinal)
            || Admit(resource, request).Refusal is not null)
        {
            return null;
        }

        var now = time.GetUtcNow();
        var renewAt = RenewalSchedule.RenewAt(status.RefreshedAt ?? now, expiresAt, request.RefreshBefore, resource.Metadata.Uid ?? string.Empty);
        return renewAt > now ? renewAt - now : null;
    }

    /// <summary>
    /// The rest of a wait this leader set for the key, unless the spec changed since, the resource is being deleted or
    /// is no longer admitted (a spec change issues at once; a withdrawal revokes at once).
    /// </summary>
    private TimeSpan? Held(ObjectKey key, GitHubToken resource)
    {
        if (!_holds.TryGetValue(key, out var hold) || hold.Generation != resource.Metadata.Generation || resource.Metadata.DeletionTimestamp is not null)
        {
            return null;
        }

        var left = hold.Until - time.GetUtcNow();
        return left > TimeSpan.Zero && GitHubTokenSpecRules.Validate(resource).Request is { } request && Admit(resource, request).Refusal is null
            ? left
            : null;
    }

    private ReconcileResult Hold(ObjectKey key, GitHubToken resource, TimeSpan delay)
    {
        _holds[key] = (resource.Metadata.Generation, time.GetUtcNow() + delay);
        return ReconcileResult.After(delay);
    }

    private (GitHubAppRuntime? App, TrustPolicyAdmission.Refusal? Refusal) Admit(GitHubToken resource, TokenRequest request)
    {
        var ns = resource.Metadata.Namespace!;
        if (registry.IsConfigured(request.App))
        {
            var configured = registry.Select(request.App).App;
            if (!string.Equals(ns, context.Namespace, StringComparison.Ordinal))
            {
                return (configured, new(ConditionReasons.NamespaceNotAllowed, $"app {request.App} comes from the service configuration; only GitHubTokens in {context.Namespace} may use it"));
            }

            return (configured, configured is null ? new(ConditionReasons.AppNotReady, $"app {request.App} is not ready")
                : TrustPolicyAdmission.CheckGrant(request.Permissions, request.Kind, $"app {request.App}", configured.MaxPermissions, configured.AllowOrganizationPermissions));
        }

        if (!apps.TryGet(null, request.App, out var app))
        {
            return (null, new(ConditionReasons.AppNotFound, $"GitHubApp {request.App} does not exist"));
        }

        if (!registry.TryGetCluster(request.App, out var runtime))
        {
            return (null, new(ConditionReasons.AppNotReady, $"GitHubApp {request.App} is not ready"));
        }

        IReadOnlyDictionary<string, string>? labels = namespaces.TryGet(null, ns, out var nsObject)
            ? nsObject.Metadata.Labels?.AsReadOnly() ?? NoLabels
            : null;
        return (runtime, GitHubTokenAdmission.Check(request, ns, app, labels, context.Namespace));
    }

    private TimeSpan Backoff(ObjectKey key)
    {
        var failures = _failures.AddOrUpdate(key, 1, (_, n) => Math.Min(n + 1, 16));
        var delay = FirstBackoff * Math.Pow(2, failures - 1);
        return delay < MaxBackoff ? delay : MaxBackoff;
    }

    private static GitHubTokenStatus Cleared(GitHubToken resource) => new()
    {
        ObservedGeneration = resource.Status?.ObservedGeneration,
        Conditions = resource.Status?.Conditions,
    };
}
