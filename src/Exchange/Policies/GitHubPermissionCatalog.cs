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

    private static readonly FrozenDictionary<string, IReadOnlyList<string>> LevelsByName =
        new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal)
        {
            // Repository permissions.
            ["actions"] = ReadWrite,
            ["administration"] = ReadWrite,
            ["artifact_metadata"] = ReadWrite,
            ["attestations"] = ReadWrite,
            ["checks"] = ReadWrite,
            ["code_quality"] = ReadWrite,
            ["codespaces"] = ReadWrite,
            ["contents"] = ReadWrite,
            ["dependabot_secrets"] = ReadWrite,
            ["deployments"] = ReadWrite,
            ["discussions"] = ReadWrite,
            ["environments"] = ReadWrite,
            ["issues"] = ReadWrite,
            ["merge_queues"] = ReadWrite,
            ["metadata"] = ReadWrite,
            ["packages"] = ReadWrite,
            ["pages"] = ReadWrite,
            ["pull_requests"] = ReadWrite,
            ["repository_custom_properties"] = ReadWrite,
            ["repository_hooks"] = ReadWrite,
            ["repository_projects"] = ReadWriteAdmin,
            ["secret_scanning_alerts"] = ReadWrite,
            ["secrets"] = ReadWrite,
            ["security_events"] = ReadWrite,
            ["single_file"] = ReadWrite,
            ["statuses"] = ReadWrite,
            ["vulnerability_alerts"] = ReadWrite,
            ["workflows"] = WriteOnly,

            // Organization permissions.
            ["custom_properties_for_organizations"] = ReadWrite,
            ["members"] = ReadWrite,
            ["organization_administration"] = ReadWrite,
            ["organization_announcement_banners"] = ReadWrite,
            ["organization_copilot_agent_settings"] = ReadWrite,
            ["organization_copilot_seat_management"] = ReadWrite,
            ["organization_custom_org_roles"] = ReadWrite,
            ["organization_custom_properties"] = ReadWriteAdmin,
            ["organization_custom_roles"] = ReadWrite,
            ["organization_events"] = ReadOnly,
            ["organization_hooks"] = ReadWrite,
            ["organization_packages"] = ReadWrite,
            ["organization_personal_access_token_requests"] = ReadWrite,
            ["organization_personal_access_tokens"] = ReadWrite,
            ["organization_plan"] = ReadOnly,
            ["organization_projects"] = ReadWriteAdmin,
            ["organization_secrets"] = ReadWrite,
            ["organization_self_hosted_runners"] = ReadWrite,
            ["organization_user_blocking"] = ReadWrite,
            ["team_discussions"] = ReadWrite,

            // Enterprise permission accepted by the same endpoint.
            ["enterprise_custom_properties_for_organizations"] = ReadWriteAdmin,

            // Account (user) permissions.
            ["email_addresses"] = ReadWrite,
            ["followers"] = ReadWrite,
            ["git_ssh_keys"] = ReadWrite,
            ["gpg_keys"] = ReadWrite,
            ["interaction_limits"] = ReadWrite,
            ["profile"] = WriteOnly,
            ["starring"] = ReadWrite,
        }.ToFrozenDictionary(StringComparer.Ordinal);

    private static readonly IReadOnlyCollection<string> SortedNames =
        Array.AsReadOnly(LevelsByName.Keys.Order(StringComparer.Ordinal).ToArray());

    /// <summary>Every permission name, ordinal-sorted.</summary>
    public static IReadOnlyCollection<string> Names => SortedNames;

    /// <summary>Looks up the levels GitHub accepts for <paramref name="name"/> (exact, case-sensitive).</summary>
    public static bool TryGetLevels(string name, out IReadOnlyList<string> levels)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (LevelsByName.TryGetValue(name, out var found))
        {
            levels = found;
            return true;
        }

        levels = Array.Empty<string>();
        return false;
    }
}
