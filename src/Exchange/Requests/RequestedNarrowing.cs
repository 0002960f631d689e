using GithubSts.Exchange.Policies;

namespace GithubSts.Exchange.Requests;

/// <summary>
/// What a caller asked for below its policy: some of the policy's permissions (at the same or a lower level) and some
/// of its repositories. Built only through <see cref="TryCreatePermissions"/> and <see cref="TryCreateRepositories"/>,
/// so every value here is well formed: known permission names with a level GitHub accepts for them, and GitHub
/// repository names (without the owner), none twice.
/// </summary>
public static class RequestedNarrowing
{
    /// <summary>A token can name at most this many repositories (GitHub's limit).</summary>
    public const int MaxRepositories = 500;

    /// <summary>Checks a requested permission set; <paramref name="problem"/> says what is wrong with it.</summary>
    public static bool TryCreatePermissions(
        IEnumerable<KeyValuePair<string, string>> requested, out IReadOnlyDictionary<string, string> permissions, out string? problem)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        permissions = result;
        foreach (var (name, level) in requested)
        {
            if (!GitHubPermissionCatalog.TryGetLevels(name, out var levels))
            {
                problem = $"unknown permission '{Printable(name)}'";
                return false;
            }

            if (!levels.Contains(level, StringComparer.Ordinal))
            {
                problem = $"permission '{name}' has no level '{Printable(level)}' (levels: {string.Join(", ", levels)})";
                return false;
            }

            if (!result.TryAdd(name, level))
            {
                problem = $"permission '{name}' was requested more than once";
                return false;
            }
        }

        if (result.Count == 0)
        {
            // An empty set would make GitHub grant everything the installation has: never send one.
            problem = "permissions, when given, must name at least one permission";
            return false;
        }

        problem = null;
        return true;
    }

    /// <summary>Checks a requested repository list; <paramref name="problem"/> says what is wrong with it.</summary>
    public static bool TryCreateRepositories(IEnumerable<string> requested, out IReadOnlyList<string> repositories, out string? problem)
    {
        var result = new List<string>();
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        repositories = result;
        foreach (var name in requested)
        {
            if (!NameGrammar.IsRepository(name))
            {
                problem = $"'{Printable(name)}' is not a repository name (names only, without the owner)";
                return false;
            }

            // GitHub repository names are case-insensitive: two spellings are the same repository.
            if (!seen.Add(name))
            {
                problem = $"repository '{name}' was requested more than once";
                return false;
            }

            if (result.Count == MaxRepositories)
            {
                problem = $"at most {MaxRepositories} repositories can be requested";
                return false;
            }

            result.Add(name);
        }

        if (result.Count == 0)
        {
            problem = "repositories, when given, must name at least one repository";
            return false;
        }

        problem = null;
        return true;
    }

    /// <summary>The caller's own text in an error message: bounded, and printable ASCII only.</summary>
    private static string Printable(string value)
    {
        var shown = value.Length > 64 ? value[..64] + "…" : value;
        return string.Create(shown.Length, shown, (span, text) =>
        {
            for (var i = 0; i < text.Length; i++)
            {
                span[i] = text[i] is >= ' ' and <= '~' or '…' ? text[i] : '?';
            }
        });
    }
}
