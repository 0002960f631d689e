using GithubSts.Operator.Apis.V1Alpha1;
using GithubSts.Operator.Controllers;
using GithubSts.Operator.Tenancy;

namespace GithubSts.Operator.GitHubTokens;

/// <summary>
/// Whether a GitHubToken may mint with its GitHubApp: exactly the TrustPolicy rules (<see cref="TenantGrants"/> for the
/// namespace and scope, <see cref="TrustPolicyAdmission.CheckGrant(IReadOnlyDictionary{string, string}, Exchange.Policies.PolicyScopeKind, string, IReadOnlyDictionary{string, string}?, bool)"/>
/// for the ceiling and the organization-permission opt-in). Messages speak only of the resource's namespace and the App.
/// </summary>
public static class GitHubTokenAdmission
{
    /// <param name="namespaceLabels">The namespace's labels, empty when it has none; null only when the namespace is not known.</param>
    public static TrustPolicyAdmission.Refusal? Check(
        TokenRequest request, string tokenNamespace, GitHubApp app, IReadOnlyDictionary<string, string>? namespaceLabels, string operatorNamespace)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(app);
        var grant = TenantGrants.Evaluate(app.Spec.Tenants, tokenNamespace, namespaceLabels, request.Target, operatorNamespace);
        if (!grant.Granted)
        {
            return new(ConditionReasons.NotGranted, $"GitHubApp {app.Metadata.Name} grants this namespace nothing for scope {request.Target}");
        }

        return TrustPolicyAdmission.CheckGrant(
            request.Permissions, request.Kind, $"GitHubApp {app.Metadata.Name}", app.Spec.MaxPermissions, app.Spec.AllowOrganizationPermissions ?? false);
    }
}
