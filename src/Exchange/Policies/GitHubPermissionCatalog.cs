using System.Collections.Frozen;

namespace GithubSts.Exchange.Policies;

/// <summary>
/// The permission names and levels accepted by <c>POST /app/installations/{id}/access_tokens</c>
/// (the <c>app-permissions</c> schema of GitHub's REST API description).
/// A name or level outside this list is a policy error rather than a mint-time 422.
/// </summary>
public static class GitHubPermissionCatalog
{
    // Read-only wrappers: callers must not be able to widen the catalogue by casting back to an array.
    private static readonly IReadOnlyList<string> ReadWrite = Array.AsReadOnly(new[] { "read", "write" });
    private static readonly IReadOnlyList<string> ReadWriteAdmin = Array.AsReadOnly(new[] { "read", "write", "admin" });
    private static readonly IReadOnlyList<string> ReadOnly = Array.AsReadOnly(new[] { "read" });
    private static readonly IReadOnlyList<string> WriteOnly = Array.AsReadOnly(new[] { "write" });

    private static readonly FrozenDictionary<string, Entry> EntriesByName =
        new Dictionary<string, Entry>(StringComparer.Ordinal)
        {
            // Repository permissions.
            ["actions"] = new(ReadWrite, PermissionScope.Repository),
            ["administration"] = new(ReadWrite, PermissionScope.Repository),
            ["artifact_metadata"] = new(ReadWrite, PermissionScope.Repository),
            ["attestations"] = new(ReadWrite, PermissionScope.Repository),
            ["checks"] = new(ReadWrite, PermissionScope.Repository),
            ["code_quality"] = new(ReadWrite, PermissionScope.Repository),
            ["codespaces"] = new(ReadWrite, PermissionScope.Repository),
            ["contents"] = new(ReadWrite, PermissionScope.Repository),
            ["dependabot_secrets"] = new(ReadWrite, PermissionScope.Repository),
            ["deployments"] = new(ReadWrite, PermissionScope.Repository),
            ["discussions"] = new(ReadWrite, PermissionScope.Repository),
            ["environments"] = new(ReadWrite, PermissionScope.Repository),
            ["issues"] = new(ReadWrite, PermissionScope.Repository),
            ["merge_queues"] = new(ReadWrite, PermissionScope.Repository),
            ["metadata"] = new(ReadWrite, PermissionScope.Repository),
            ["packages"] = new(ReadWrite, PermissionScope.Repository),
            ["pages"] = new(ReadWrite, PermissionScope.Repository),
            ["pull_requests"] = new(ReadWrite, PermissionScope.Repository),
            ["repository_custom_properties"] = new(ReadWrite, PermissionScope.Repository),
            ["repository_hooks"] = new(ReadWrite, PermissionScope.Repository),
            ["repository_projects"] = new(ReadWriteAdmin, PermissionScope.Repository),
            ["secret_scanning_alerts"] = new(ReadWrite, PermissionScope.Repository),
            ["secrets"] = new(ReadWrite, PermissionScope.Repository),
            ["security_events"] = new(ReadWrite, PermissionScope.Repository),
            ["single_file"] = new(ReadWrite, PermissionScope.Repository),
            ["statuses"] = new(ReadWrite, PermissionScope.Repository),
            ["vulnerability_alerts"] = new(ReadWrite, PermissionScope.Repository),
            ["workflows"] = new(WriteOnly, PermissionScope.Repository),

            // Organization permissions.
            ["custom_properties_for_organizations"] = new(ReadWrite, PermissionScope.Organization),
            ["members"] = new(ReadWrite, PermissionScope.Organization),
            ["organization_administration"] = new(ReadWrite, PermissionScope.Organization),
            ["organization_announcement_banners"] = new(ReadWrite, PermissionScope.Organization),
            ["organization_copilot_agent_settings"] = new(ReadWrite, PermissionScope.Organization),
            ["organization_copilot_seat_management"] = new(ReadWrite, PermissionScope.Organization),
            ["organization_custom_org_roles"] = new(ReadWrite, PermissionScope.Organization),
            ["organization_custom_properties"] = new(ReadWriteAdmin, PermissionScope.Organization),
            ["organization_custom_roles"] = new(ReadWrite, PermissionScope.Organization),
            ["organization_events"] = new(ReadOnly, PermissionScope.Organization),
            ["organization_hooks"] = new(ReadWrite, PermissionScope.Organization),
            ["organization_packages"] = new(ReadWrite, PermissionScope.Organization),
            ["organization_personal_access_token_requests"] = new(ReadWrite, PermissionScope.Organization),
            ["organization_personal_access_tokens"] = new(ReadWrite, PermissionScope.Organization),
            ["organization_plan"] = new(ReadOnly, PermissionScope.Organization),
            ["organization_projects"] = new(ReadWriteAdmin, PermissionScope.Organization),
            ["organization_secrets"] = new(ReadWrite, PermissionScope.Organization),
            ["organization_self_hosted_runners"] = new(ReadWrite, PermissionScope.Organization),
            ["organization_user_blocking"] = new(ReadWrite, PermissionScope.Organization),
            ["team_discussions"] = new(ReadWrite, PermissionScope.Organization),

            // Enterprise permission accepted by the same endpoint.
            ["enterprise_custom_properties_for_organizations"] = new(ReadWriteAdmin, PermissionScope.Enterprise),

            // Account (user) permissions.
            ["email_addresses"] = new(ReadWrite, PermissionScope.Account),
            ["followers"] = new(ReadWrite, PermissionScope.Account),
            ["git_ssh_keys"] = new(ReadWrite, PermissionScope.Account),
            ["gpg_keys"] = new(ReadWrite, PermissionScope.Account),
            ["interaction_limits"] = new(ReadWrite, PermissionScope.Account),
            ["profile"] = new(WriteOnly, PermissionScope.Account),
            ["starring"] = new(ReadWrite, PermissionScope.Account),
        }.ToFrozenDictionary(StringComparer.Ordinal);

    private static readonly IReadOnlyCollection<string> SortedNames =
        Array.AsReadOnly(EntriesByName.Keys.Order(StringComparer.Ordinal).ToArray());

    /// <summary>Every permission name, ordinal-sorted.</summary>
    public static IReadOnlyCollection<string> Names => SortedNames;

    /// <summary>Looks up the levels GitHub accepts for <paramref name="name"/> (exact, case-sensitive).</summary>
    public static bool TryGetLevels(string name, out IReadOnlyList<string> levels)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (EntriesByName.TryGetValue(name, out var found))
        {
            levels = found.Levels;
            return true;
        }

        levels = Array.Empty<string>();
        return false;
    }

    /// <summary>
    /// Whether <paramref name="name"/> acts on a repository, on the organization, on a user account or on an
    /// enterprise (exact, case-sensitive). GitHub applies a mint's <c>repositories</c> list to repository permissions
    /// only; the others reach the whole account whatever the list says.
    /// </summary>
    public static bool TryGetScope(string name, out PermissionScope scope)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (EntriesByName.TryGetValue(name, out var found))
        {
            scope = found.Scope;
            return true;
        }

        scope = default;
        return false;
    }

    private sealed record Entry(IReadOnlyList<string> Levels, PermissionScope Scope);
}
