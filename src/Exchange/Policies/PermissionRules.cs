using System.Collections.Immutable;

namespace GithubSts.Exchange.Policies;

/// <summary>Checks <c>permissions</c> against <see cref="GitHubPermissionCatalog"/> and the policy's scope.</summary>
internal static class PermissionRules
{
    /// <returns>Null when any error was reported.</returns>
    public static ImmutableSortedDictionary<string, string>? Compile(
        IReadOnlyDictionary<string, string>? permissions, PolicyScopeKind kind, List<PolicyError> errors)
    {
        if (permissions is null || permissions.Count == 0)
        {
            // GitHub grants every permission of the App when the mint request has none: never allow that.
            errors.Add(new PolicyError(
                PolicyErrorCode.MissingPermissions, "permissions", "must list at least one permission, e.g. contents: read"));
            return null;
        }

        var valid = true;
        var builder = ImmutableSortedDictionary.CreateBuilder<string, string>(StringComparer.Ordinal);
        foreach (var (name, level) in permissions.OrderBy(entry => entry.Key, StringComparer.Ordinal))
        {
            var field = $"permissions.{name}";
            if (!GitHubPermissionCatalog.TryGetLevels(name, out var levels))
            {
                errors.Add(new PolicyError(PolicyErrorCode.UnknownPermission, field, UnknownMessage(name)));
                valid = false;
            }
            else if (level is null || !levels.Contains(level, StringComparer.Ordinal))
            {
                errors.Add(new PolicyError(
                    PolicyErrorCode.InvalidPermissionLevel,
                    field,
                    $"level '{Truncate(level ?? "")}' is not accepted for {name}; use {string.Join(" or ", levels)}"));
                valid = false;
            }
            else if (OutsideScope(name, kind) is { } problem)
            {
                errors.Add(new PolicyError(PolicyErrorCode.PermissionOutsideScope, field, problem));
                valid = false;
            }
            else
            {
                builder[name] = level;
            }
        }

        return valid ? builder.ToImmutable() : null;
    }

    /// <summary>
    /// GitHub applies a mint's <c>repositories</c> to repository permissions only: an organization permission in a
    /// repository policy would turn access to one repository into power over the whole organization.
    /// </summary>
    internal static string? OutsideScope(string name, PolicyScopeKind kind)
    {
        GitHubPermissionCatalog.TryGetScope(name, out var scope);
        return (scope, kind) switch
        {
            (PermissionScope.Repository, _) => null,
            (PermissionScope.Organization, PolicyScopeKind.Organization) => null,
            (PermissionScope.Organization, _) =>
                $"{name} is an organization permission: GitHub applies it to the whole organization, not to one repository; "
                + "grant it from an organization policy (scope org) of an App that allows organization permissions",
            (PermissionScope.Account, _) => $"{name} is a user-account permission and cannot be granted by an organization's installation token",
            _ => $"{name} is an enterprise permission and cannot be granted by an organization's installation token",
        };
    }

    private static string UnknownMessage(string name)
    {
        var normalized = name.Replace('-', '_').ToLowerInvariant();
        var hint = !string.Equals(normalized, name, StringComparison.Ordinal)
                   && GitHubPermissionCatalog.TryGetLevels(normalized, out _)
            ? $"; did you mean {normalized}?"
            : "; see GitHub's permissions for installation access tokens";
        return $"'{Truncate(name)}' is not a GitHub App permission{hint}";
    }

    private static string Truncate(string value) => value.Length <= 64 ? value : value[..64] + "…";
}
