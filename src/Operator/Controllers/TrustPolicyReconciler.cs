using GithubSts.Exchange.Policies;
using GithubSts.Operator.Apis.V1Alpha1;
using GithubSts.Operator.Index;
using GithubSts.Operator.Kubernetes.Models;
using GithubSts.Operator.Runtime;

namespace GithubSts.Operator.Controllers;

/// <summary>
/// TrustPolicy → an entry in the policy index, when it compiles (<c>Accepted</c>), its App exists, is ready and grants
/// its namespace its scope (<c>Ready</c>), no older policy of its namespace claims the same (app, scope, identity) and no
/// policy of another namespace claims it at all. Anything else removes it from the index or keeps it from serving.
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
    private static readonly IReadOnlyDictionary<string, string> NoLabels = new Dictionary<string, string>(StringComparer.Ordinal);

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

        var refusal = Admit(policy, compiled.Policy!, out var indexed);
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

        var (reason, message) = index.StandingOf(indexed.Key, indexed.Namespace, indexed.Name) switch
        {
            // Never name the other namespace or its object: a status and its Events are read by this tenant.
            KeyStanding.ContestedAcrossNamespaces => (ConditionReasons.Conflict,
                $"a TrustPolicy in another namespace also claims app {indexed.Key.App}, scope {indexed.Key.Scope}, identity {indexed.Key.Identity}; "
                + "none serves while more than one namespace claims it"),
            KeyStanding.OlderInSameNamespace => (ConditionReasons.Conflict,
                $"TrustPolicy {index.Winner(indexed.Key)?.Name} in this namespace is older and serves app {indexed.Key.App}, scope {indexed.Key.Scope}, identity {indexed.Key.Identity}"),
            _ => (ConditionReasons.Indexed, indexed.OverridesRepositoryPolicies
                ? "the policy serves exchanges, ahead of any repository policy file for the same key"
                : "the policy serves exchanges unless the repository owner's own policy file defines the same key"),
        };
        await ReportAsync(policy, compiled, reason, message, ct);
        return ReconcileResult.Done;
    }

    private TrustPolicyAdmission.Refusal? Admit(TrustPolicy policy, IndexedPolicy compiled, out IndexedPolicy admitted)
    {
        admitted = compiled;
        var appName = policy.Spec.App;
        var ns = compiled.Namespace;
        if (registry.IsConfigured(appName))
        {
            // Apps from the configuration file have no resource to delegate from: only the operator's namespace may use them.
            if (!string.Equals(ns, context.Namespace, StringComparison.Ordinal))
            {
                return new(ConditionReasons.NamespaceNotAllowed, $"app {appName} comes from the service configuration; only TrustPolicies in {context.Namespace} may use it");
            }

            return registry.Select(appName).App is { } configured
                ? TrustPolicyAdmission.CheckGrant(compiled.Compiled, $"app {appName}", configured.MaxPermissions, configured.AllowOrganizationPermissions)
                : null;
        }

        if (!apps.TryGet(null, appName, out var app))
        {
            return new(ConditionReasons.AppNotFound, $"GitHubApp {appName} does not exist");
        }

        if (!registry.TryGetCluster(appName, out _))
        {
            return new(ConditionReasons.AppNotReady, $"GitHubApp {appName} is not ready");
        }

        if (!Exchange.Requests.ExchangeTarget.TryParse(compiled.Key.Scope, out var scope))
        {
            return new(ConditionReasons.InvalidPolicy, "scope must be 'org' or 'org/repo'");
        }

        // A namespace without labels has an empty label set (it matches an empty selector and DoesNotExist); only a
        // namespace this replica has not seen yet is unknown, and then no selector matches it.
        IReadOnlyDictionary<string, string>? labels = namespaces.TryGet(null, ns, out var nsObject)
            ? nsObject.Metadata.Labels?.AsReadOnly() ?? NoLabels
            : null;
        var outcome = TrustPolicyAdmission.Check(compiled.Compiled, ns, scope, app, labels, context.Namespace);
        admitted = compiled with { OverridesRepositoryPolicies = outcome.Grant.OverridesRepositoryPolicies };
        return outcome.Refused;
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
