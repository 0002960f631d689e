namespace GithubSts.Exchange.Requests;

/// <summary>
/// The strict grammar for every caller-supplied name that ends up in a GitHub URL or a policy path.
/// Checked before anything is built from it: <see cref="Uri"/> collapses <c>..</c> and turns <c>?</c> into a query.
/// </summary>
public static class NameGrammar
{
    public const int MaxIdentityLength = 100;

    /// <summary>A GitHub account login: ASCII alphanumerics and hyphens, not starting with a hyphen, at most 39 characters.</summary>
    public static bool IsOwner(ReadOnlySpan<char> value)
    {
        if (value.Length is 0 or > 39 || value[0] == '-')
        {
            return false;
        }

        foreach (var c in value)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c != '-')
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>A repository name: <c>[A-Za-z0-9._-]{1,100}</c>, not <c>.</c>/<c>..</c>, not ending in <c>.git</c>.</summary>
    public static bool IsRepository(ReadOnlySpan<char> value) =>
        value.Length is > 0 and <= 100
        && IsNameCharacters(value)
        && value is not "." and not ".."
        && !value.EndsWith(".git", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// A policy identity or app name: <c>[A-Za-z0-9_-][A-Za-z0-9._-]{0,99}</c> without <c>..</c>,
    /// so it can never name a parent directory, a query or another branch.
    /// </summary>
    public static bool IsIdentity(ReadOnlySpan<char> value) =>
        value.Length is > 0 and <= MaxIdentityLength
        && value[0] != '.'
        && IsNameCharacters(value)
        && !value.Contains("..", StringComparison.Ordinal);

    private static bool IsNameCharacters(ReadOnlySpan<char> value)
    {
        foreach (var c in value)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c is not ('.' or '_' or '-'))
            {
                return false;
            }
        }

        return true;
    }
}
