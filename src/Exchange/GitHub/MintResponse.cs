using System.Globalization;
using System.Text.Json;

namespace GithubSts.Exchange.GitHub;

/// <summary>Parses the mint answer and checks it grants nothing beyond the request (security.md H11).</summary>
internal static class MintResponse
{
    /// <summary>The "token" value, or null when it is absent, empty or not a string.</summary>
    public static string? ReadToken(JsonElement root) =>
        root.ValueKind == JsonValueKind.Object
        && root.TryGetProperty("token", out var token)
        && token.ValueKind == JsonValueKind.String
        && token.GetString() is { Length: > 0 } value
            ? value
            : null;

    /// <summary>Reads the grant; null when a field is missing or malformed.</summary>
    public static InstallationToken? ReadGrant(JsonElement root, string token)
    {
        if (!root.TryGetProperty("expires_at", out var expiresElement)
            || expiresElement.ValueKind != JsonValueKind.String
            || !DateTimeOffset.TryParse(
                expiresElement.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var expiresAt))
        {
            return null;
        }

        if (!root.TryGetProperty("permissions", out var permissionsElement) || permissionsElement.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        var permissions = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var property in permissionsElement.EnumerateObject())
        {
            if (property.Value.ValueKind != JsonValueKind.String)
            {
                return null;
            }

            permissions[property.Name] = property.Value.GetString()!;
        }

        List<string>? repositories = null;
        if (root.TryGetProperty("repositories", out var repositoriesElement) && repositoriesElement.ValueKind != JsonValueKind.Null)
        {
            repositories = ReadRepositoryNames(repositoriesElement);
            if (repositories is null)
            {
                return null;
            }
        }

        string? selection = null;
        if (root.TryGetProperty("repository_selection", out var selectionElement) && selectionElement.ValueKind == JsonValueKind.String)
        {
            selection = selectionElement.GetString();
        }

        return new InstallationToken(token, expiresAt, permissions.AsReadOnly(), repositories?.AsReadOnly(), selection);
    }

    /// <summary>Why the grant is broader than the request, or null when it is within it.</summary>
    public static string? FindEscalation(
        InstallationToken grant, IReadOnlyDictionary<string, string> requestedPermissions, IReadOnlyList<string>? requestedRepositories)
    {
        var requested = requestedPermissions.ToDictionary(static p => p.Key, static p => p.Value, StringComparer.Ordinal);
        foreach (var (name, level) in grant.Permissions)
        {
            // GitHub adds metadata:read to every installation token; it cannot be withheld.
            if (string.Equals(name, "metadata", StringComparison.Ordinal) && string.Equals(level, "read", StringComparison.Ordinal))
            {
                continue;
            }

            if (!requested.TryGetValue(name, out var requestedLevel))
            {
                return "a permission that was not requested";
            }

            if (!PermissionLevels.IsWithin(level, requestedLevel))
            {
                return "a higher permission level than requested";
            }
        }

        if (requestedRepositories is null)
        {
            return null;
        }

        if (string.Equals(grant.RepositorySelection, "all", StringComparison.Ordinal))
        {
            return "all repositories instead of the requested ones";
        }

        if (grant.Repositories is null)
        {
            return "no repository list, so the repository scope cannot be verified";
        }

        var allowed = new HashSet<string>(requestedRepositories, StringComparer.OrdinalIgnoreCase);
        return grant.Repositories.All(allowed.Contains) ? null : "a repository that was not requested";
    }

    private static List<string>? ReadRepositoryNames(JsonElement array)
    {
        if (array.ValueKind != JsonValueKind.Array)
        {
            return null;
        }

        var names = new List<string>(array.GetArrayLength());
        foreach (var repository in array.EnumerateArray())
        {
            if (repository.ValueKind != JsonValueKind.Object
                || !repository.TryGetProperty("name", out var name)
                || name.ValueKind != JsonValueKind.String
                || string.IsNullOrEmpty(name.GetString()))
            {
                return null;
            }

            names.Add(name.GetString()!);
        }

        return names;
    }
}
