using GithubSts.Exchange.Policies;
using GithubSts.Exchange.Requests;
using GithubSts.Operator.Apis.V1Alpha1;
using GithubSts.Operator.Tenancy;

namespace GithubSts.Operator.Controllers;

/// <summary>
/// Whether an accepted TrustPolicy may use its GitHubApp: the App grants the policy's namespace its scope
/// (<see cref="TenantGrants"/>) and the permissions fit under the App's ceiling. Messages speak only of the policy's
/// own namespace and the App: never of another tenant.
/// </summary>
public static class TrustPolicyAdmission
{
    private static readonly string[] LevelOrder = ["read", "write", "admin"];

    public sealed record Refusal(string Reason, string Message);

    /// <summary>Admitted (with what the grant allows) or refused.</summary>
    public sealed record Outcome(GrantDecision Grant, Refusal? Refused)
    {
        public bool Admitted => Refused is null;
    }

    /// <param name="namespaceLabels">The namespace's labels, empty when it has none; null only when the namespace is not known.</param>
    public static Outcome Check(
        CompiledTrustPolicy policy, string policyNamespace, ExchangeTarget scope, GitHubApp app,
        IReadOnlyDictionary<string, string>? namespaceLabels, string operatorNamespace)
    {
        var grant = TenantGrants.Evaluate(app.Spec.Tenants, policyNamespace, namespaceLabels, scope, operatorNamespace);
        if (!grant.Granted)
        {
            var hint = app.Spec.AllowedNamespaces is not null && app.Spec.Tenants is null
                ? " (allowedNamespaces no longer grants anything: list the namespace under tenants with the repositories it may use)"
                : string.Empty;
            return Refuse(ConditionReasons.NotGranted, $"GitHubApp {app.Metadata.Name} grants this namespace no TrustPolicies for scope {scope}{hint}");
        }

        if (app.Spec.MaxPermissions is { } ceiling)
        {
            foreach (var (permission, level) in policy.Permissions)
            {
                if (!ceiling.TryGetValue(permission, out var max) || Rank(level) > Rank(max))
                {
                    return Refuse(ConditionReasons.PermissionsExceedApp, $"permission {permission}: {level} exceeds what GitHubApp {app.Metadata.Name} allows");
                }
            }
        }

        return new Outcome(grant, null);
    }

    private static Outcome Refuse(string reason, string message) => new(GrantDecision.Refused, new Refusal(reason, message));

    private static int Rank(string level) => Array.IndexOf(LevelOrder, level);
}
