using GithubSts.Exchange.Policies;
using GithubSts.Operator.Apis.V1Alpha1;
using GithubSts.Operator.Index;
using GithubSts.Operator.Kubernetes.Models;
using GithubSts.Operator.Runtime;

namespace GithubSts.Operator.Controllers;

/// <summary>
/// TrustPolicy → an entry in the policy index, when it compiles (<c>Accepted</c>), its App exists, is ready and admits
/// it (<c>Ready</c>), and no older policy claims the same (app, scope, identity). Anything else removes it from the index.
/// </summary>
public sealed class TrustPolicyReconciler(
    Informer<TrustPolicy> policies,
    Informer<GitHubApp> apps,
    Informer<Namespace> namespaces,
    ClusterAppRegistry registry,
    PolicyIndex index,
    StatusWriter status,
    OperatorContext context,
    TimeProvider time) : IReconciler<ObjectKey>
{
    private static readonly TimeSpan WaitForIssuer = TimeSpan.FromSeconds(30);

    public async Task<ReconcileResult> ReconcileAsync(ObjectKey key, CancellationToken ct)
    {
        if (!policies.TryGet(key.Namespace, key.Name, out var policy) || policy.Metadata.DeletionTimestamp is not null)
        {
            index.Remove(key.Namespace!, key.Name);
            return ReconcileResult.Done;
        }

        var compiled = TrustPolicyCompilation.Compile(policy, context.ClusterIssuer);
        if (!compiled.Accepted)
        {
            index.Remove(key.Namespace!, key.Name);
            await ReportAsync(policy, compiled, ConditionReasons.NotAccepted, "the policy was not accepted; see the Accepted condition", ct);
            return compiled.Reason == ConditionReasons.IssuerUnknown ? ReconcileResult.After(WaitForIssuer) : ReconcileResult.Done;
        }

        var indexed = compiled.Policy!;
        var refusal = Admit(policy, indexed);
        if (refusal is { } refused)
        {
            index.Remove(key.Namespace!, key.Name);
            await ReportAsync(policy, compiled, refused.Reason, refused.Message, ct);
            return ReconcileResult.Done;
        }

        if (!index.TryUpsert(indexed, HeavyPatternBudget.PerNamespace))
        {
            index.Remove(key.Namespace!, key.Name);
            await ReportAsync(policy, compiled, ConditionReasons.PatternBudgetExceeded, $"the TrustPolicies of namespace {indexed.Namespace} would need more than {HeavyPatternBudget.PerNamespace} patterns on the linear-time engine; simplify patterns (see README, Pattern language)", ct);
            return ReconcileResult.Done;
        }

        var winner = index.Winner(indexed.Key);
        if (winner is not null && (winner.Namespace != indexed.Namespace || winner.Name != indexed.Name))
        {
            await ReportAsync(policy, compiled, ConditionReasons.Conflict, $"TrustPolicy {winner.Namespace}/{winner.Name} already serves app {indexed.Key.App}, scope {indexed.Key.Scope}, identity {indexed.Key.Identity}", ct);
            return ReconcileResult.Done;
        }

        await ReportAsync(policy, compiled, ConditionReasons.Indexed, "the policy serves exchanges", ct);
        return ReconcileResult.Done;
    }

    private (string Reason, string Message)? Admit(TrustPolicy policy, IndexedPolicy indexed)
    {
        var appName = policy.Spec.App;
        var ns = indexed.Namespace;
        if (registry.IsConfigured(appName))
        {
            // Apps from the configuration file have no resource to delegate from: only the operator's namespace may use them.
            return string.Equals(ns, context.Namespace, StringComparison.Ordinal)
                ? null
                : (ConditionReasons.NamespaceNotAllowed, $"app {appName} comes from the service configuration; only TrustPolicies in {context.Namespace} may use it");
        }

        if (!apps.TryGet(null, appName, out var app))
        {
            return (ConditionReasons.AppNotFound, $"GitHubApp {appName} does not exist");
        }

        if (!registry.TryGetCluster(appName, out _))
        {
            return (ConditionReasons.AppNotReady, $"GitHubApp {appName} is not ready");
        }

        var labels = namespaces.TryGet(null, ns, out var nsObject) ? nsObject.Metadata.Labels?.AsReadOnly() : null;
        return TrustPolicyAdmission.Check(indexed.Compiled, ns, app, labels, context.Namespace);
    }

    private Task ReportAsync(TrustPolicy policy, TrustPolicyCompilation.Outcome compiled, string readyReason, string readyMessage, CancellationToken ct)
    {
        var generation = policy.Metadata.Generation;
        var conditions = new ConditionSet(policy.Status?.Conditions, generation, time.GetUtcNow())
            .Set(ConditionTypes.Accepted, compiled.Accepted ? ConditionStatus.True : ConditionStatus.False, compiled.Reason, compiled.Message)
            .Set(ConditionTypes.Ready, readyReason == ConditionReasons.Indexed ? ConditionStatus.True : ConditionStatus.False, readyReason, readyMessage)
            .Conditions;
        var identity = TrustPolicyCompilation.IdentityOf(policy);
        if (policy.Status is { } current && current.ObservedGeneration == generation
            && string.Equals(current.Identity, identity, StringComparison.Ordinal) && ConditionSet.Same(current.Conditions, conditions))
        {
            return Task.CompletedTask;
        }

        return status.WriteAsync(
            GithubStsResourceTypes.TrustPolicies,
            policy,
            new TrustPolicyStatus { ObservedGeneration = generation, Identity = identity, Conditions = [.. conditions] },
            ct,
            ReadyOf(policy.Status?.Conditions),
            ReadyOf(conditions),
            recordFirstReady: false);
    }

    private static Condition? ReadyOf(IEnumerable<Condition>? conditions) =>
        conditions?.FirstOrDefault(c => string.Equals(c.Type, ConditionTypes.Ready, StringComparison.Ordinal));
}
