namespace GithubSts.Exchange.Policies;

/// <summary>
/// Checks <c>repositories</c>: organization-level only and then required, bare names or <c>*</c>, at most GitHub's
/// limit of 500.
/// </summary>
internal static class RepositoryRules
{
    public const int MaxRepositories = 500;

    /// <summary>Every repository of the installation except the org policy repository (unless that is listed too).</summary>
    public const string Every = "*";

    private const int MaxNameLength = 100;

    /// <returns>The names listed (without <c>*</c>); null for a repository policy or when an error was reported.</returns>
    public static IReadOnlyList<string>? Compile(
        IReadOnlyList<string>? repositories, PolicyScopeKind kind, List<PolicyError> errors, out bool everyRepository)
    {
        everyRepository = false;
        if (repositories is null)
        {
            if (kind == PolicyScopeKind.Organization)
            {
                // Absent used to mean "every repository", silently including the org policy repository itself, where
                // a token with contents: write can rewrite every organization policy.
                errors.Add(new PolicyError(
                    PolicyErrorCode.MissingRepositories,
                    "repositories",
                    "an organization policy must list the repositories its tokens cover, or [\"*\"] for every repository of the "
                    + "installation (the org policy repository is then included only when listed as well)"));
            }

            return null;
        }

        if (kind == PolicyScopeKind.Repository)
        {
            errors.Add(new PolicyError(
                PolicyErrorCode.RepositoriesNotAllowed,
                "repositories",
                "is only allowed in organization-level policies; a repository-level policy always covers its own repository"));
            return null;
        }

        if (repositories.Count is 0 or > MaxRepositories)
        {
            errors.Add(new PolicyError(
                PolicyErrorCode.InvalidRepository,
                "repositories",
                $"must list between 1 and {MaxRepositories} repositories, or [\"*\"] for every repository of the installation"));
            return null;
        }

        var errorCount = errors.Count;
        var names = new List<string>(repositories.Count);
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase); // GitHub repository names are case-insensitive
        for (var i = 0; i < repositories.Count; i++)
        {
            var name = repositories[i];
            if (string.Equals(name, Every, StringComparison.Ordinal))
            {
                if (everyRepository)
                {
                    errors.Add(new PolicyError(PolicyErrorCode.InvalidRepository, $"repositories[{i}]", "'*' is listed twice"));
                }

                everyRepository = true;
            }
            else if (DescribeProblem(name) is { } problem)
            {
                errors.Add(new PolicyError(PolicyErrorCode.InvalidRepository, $"repositories[{i}]", problem));
            }
            else if (!seen.Add(name))
            {
                errors.Add(new PolicyError(PolicyErrorCode.InvalidRepository, $"repositories[{i}]", $"'{name}' is listed twice"));
            }
            else
            {
                names.Add(name);
            }
        }

        return errors.Count == errorCount ? names.AsReadOnly() : null;
    }

    private static string? DescribeProblem(string? name)
    {
        if (string.IsNullOrEmpty(name))
        {
            return "must not be empty";
        }

        if (name.Contains('/', StringComparison.Ordinal))
        {
            return "must be a bare repository name in this organization, without an owner or path";
        }

        if (name.Length > MaxNameLength || name is "." or ".." || !name.All(IsNameCharacter))
        {
            return $"must be 1-{MaxNameLength} characters of A-Z, a-z, 0-9, '.', '_' or '-', and not '.' or '..'";
        }

        return null;
    }

    private static bool IsNameCharacter(char c) => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-';
}
