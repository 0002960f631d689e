using GithubSts.Exchange.Policies;
using GithubSts.Operator.Apis.V1Alpha1;

namespace GithubSts.Operator.Controllers;

/// <summary>Whether an accepted TrustPolicy may use its GitHubApp: namespace allowed, permissions under the ceiling.</summary>
public static class TrustPolicyAdmission
{
    /// <summary>Null when admitted, else (reason, message).</summary>
    public static (string Reason, string Message)? Check(
        CompiledTrustPolicy policy, string policyNamespace, GitHubApp app, IReadOnlyDictionary<string, string>? namespaceLabels, string operatorNamespace)
    {
        if (!NamespaceAllowed(app.Spec.AllowedNamespaces, policyNamespace, namespaceLabels, operatorNamespace))
        {
            return (ConditionReasons.NamespaceNotAllowed, $"GitHubApp {app.Metadata.Name} does not allow TrustPolicies in namespace {policyNamespace}");
        }

        return CheckGrant(policy, $"GitHubApp {app.Metadata.Name}", app.Spec.MaxPermissions, app.Spec.AllowOrganizationPermissions ?? false);
    }

    /// <summary>The App's ceiling and its organization-permission opt-in (shared with the exchange's own checks).</summary>
    public static (string Reason, string Message)? CheckGrant(
        CompiledTrustPolicy policy, string appDescription, IReadOnlyDictionary<string, string>? maxPermissions, bool allowOrganizationPermissions)
    {
        if (AppGrantRules.Check(policy, appDescription, maxPermissions, allowOrganizationPermissions) is not [var first, ..])
        {
            return null;
        }

        var reason = first.Code switch
        {
            PolicyErrorCode.OrganizationPermissionsNotAllowed => ConditionReasons.OrganizationPermissionsNotAllowed,
            PolicyErrorCode.PermissionOutsideScope => ConditionReasons.PermissionOutsideScope,
            _ => ConditionReasons.PermissionsExceedApp,
        };
        return (reason, $"{first.Field}: {first.Message}");
    }

    public static bool NamespaceAllowed(AllowedNamespaces? allowed, string ns, IReadOnlyDictionary<string, string>? labels, string operatorNamespace)
    {
        if (allowed is null)
        {
            return string.Equals(ns, operatorNamespace, StringComparison.Ordinal);
        }

        if (allowed.Names?.Contains(ns, StringComparer.Ordinal) == true)
        {
            return true;
        }

        return allowed.Selector is { } selector && labels is not null && Matches(selector, labels);
    }

    /// <summary>Kubernetes label-selector semantics (all requirements must hold; an empty selector matches everything).</summary>
    public static bool Matches(LabelSelector selector, IReadOnlyDictionary<string, string> labels)
    {
        foreach (var (key, value) in selector.MatchLabels ?? [])
        {
            if (!labels.TryGetValue(key, out var actual) || !string.Equals(actual, value, StringComparison.Ordinal))
            {
                return false;
            }
        }

        foreach (var requirement in selector.MatchExpressions ?? [])
        {
            var has = labels.TryGetValue(requirement.Key, out var actual);
            var values = requirement.Values ?? [];
            var holds = requirement.Operator switch
            {
                "In" => has && values.Contains(actual!, StringComparer.Ordinal),
                "NotIn" => !has || !values.Contains(actual!, StringComparer.Ordinal),
                "Exists" => has,
                "DoesNotExist" => !has,
                _ => false,
            };
            if (!holds)
            {
                return false;
            }
        }

        return true;
    }
}
