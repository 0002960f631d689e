using GithubSts.Exchange.Apps;
using GithubSts.Exchange.GitHub;

namespace GithubSts.Exchange.Policies;

/// <summary>
/// What an App lets its policies grant: never more than its <c>maxPermissions</c>, and organization permissions only
/// when it says <c>allowOrganizationPermissions</c>. Checked when a policy is admitted (TrustPolicy) or loaded
/// (repository file), and again just before the mint, so a policy compiled before the App was narrowed cannot mint.
/// </summary>
public static class AppGrantRules
{
    /// <returns>Every problem; empty when the App allows the policy.</returns>
    public static IReadOnlyList<PolicyError> Check(CompiledTrustPolicy policy, GitHubAppRuntime app)
    {
        ArgumentNullException.ThrowIfNull(app);
        return Check(policy, app.Name, app.MaxPermissions, app.AllowOrganizationPermissions);
    }

    public static IReadOnlyList<PolicyError> Check(
        CompiledTrustPolicy policy, string appName, IReadOnlyDictionary<string, string>? maxPermissions, bool allowOrganizationPermissions)
    {
        ArgumentNullException.ThrowIfNull(policy);
        return Check(policy.Permissions, policy.Kind, appName, maxPermissions, allowOrganizationPermissions);
    }

    /// <summary>The same rules for permissions that are not a policy's (a GitHubToken's, in the operator).</summary>
    public static IReadOnlyList<PolicyError> Check(
        IReadOnlyDictionary<string, string> permissions, PolicyScopeKind kind, string appName,
        IReadOnlyDictionary<string, string>? maxPermissions, bool allowOrganizationPermissions)
    {
        ArgumentNullException.ThrowIfNull(permissions);
        var errors = new List<PolicyError>();
        foreach (var (name, level) in permissions)
        {
            var field = $"permissions.{name}";

            // The compiler already refuses these; asked again so a policy built any other way cannot slip through.
            if (PermissionRules.OutsideScope(name, kind) is { } problem)
            {
                errors.Add(new PolicyError(PolicyErrorCode.PermissionOutsideScope, field, problem));
                continue;
            }

            GitHubPermissionCatalog.TryGetScope(name, out var scope);
            if (scope == PermissionScope.Organization && !allowOrganizationPermissions)
            {
                errors.Add(new PolicyError(
                    PolicyErrorCode.OrganizationPermissionsNotAllowed,
                    field,
                    $"{name} is an organization permission and App {appName} does not set allowOrganizationPermissions"));
            }

            if (maxPermissions is not null
                && (!maxPermissions.TryGetValue(name, out var max) || !PermissionLevels.IsWithin(level, max)))
            {
                errors.Add(new PolicyError(
                    PolicyErrorCode.PermissionExceedsApp,
                    field,
                    $"{name}: {level} exceeds what App {appName} allows (maxPermissions)"));
            }
        }

        return errors;
    }
}
