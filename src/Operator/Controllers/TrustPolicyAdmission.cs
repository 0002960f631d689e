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

        return CheckGrant(policy, $"GitHubApp {app.Metadata.Name}", app.Spec.MaxPermissions, app.Spec.AllowOrganizationPermissions ?? false) is { } refused
            ? new Outcome(GrantDecision.Refused, refused)
            : new Outcome(grant, null);
    }

    /// <summary>The App's ceiling and its organization-permission opt-in (shared with the exchange's own checks).</summary>
    public static Refusal? CheckGrant(
        CompiledTrustPolicy policy, string appDescription, IReadOnlyDictionary<string, string>? maxPermissions, bool allowOrganizationPermissions)
    {
        ArgumentNullException.ThrowIfNull(policy);
        return CheckGrant(policy.Permissions, policy.Kind, appDescription, maxPermissions, allowOrganizationPermissions);
    }

    /// <summary>The same for permissions that are not a policy's (a GitHubToken's).</summary>
    public static Refusal? CheckGrant(
        IReadOnlyDictionary<string, string> permissions, PolicyScopeKind kind, string appDescription,
        IReadOnlyDictionary<string, string>? maxPermissions, bool allowOrganizationPermissions)
    {
        if (AppGrantRules.Check(permissions, kind, appDescription, maxPermissions, allowOrganizationPermissions) is not [var first, ..])
        {
            return null;
        }

        var reason = first.Code switch
        {
            PolicyErrorCode.OrganizationPermissionsNotAllowed => ConditionReasons.OrganizationPermissionsNotAllowed,
            PolicyErrorCode.PermissionOutsideScope => ConditionReasons.PermissionOutsideScope,
            _ => ConditionReasons.PermissionsExceedApp,
        };
        return new Refusal(reason, $"{first.Field}: {first.Message}");
    }

    private static Outcome Refuse(string reason, string message) => new(GrantDecision.Refused, new Refusal(reason, message));
}
