namespace GithubSts.Exchange.GitHub;

/// <summary>Strict grammars for the names placed into API URLs, checked before any URL is built.</summary>
/// <remarks>System.Uri collapses "..", and "?" or "#" would turn a path into a query (e.g. "?ref=evil-branch").</remarks>
internal static class GitHubNames
{
    private const int MaxNameLength = 100;
    private const int MaxContentPathLength = 1024;
    private const int MaxPermissionNameLength = 64;

    /// <summary>Account logins: letters, digits, '-' and '_' (EMU "user_shortcode").</summary>
    public static void ValidateOwner(string owner)
    {
        ArgumentNullException.ThrowIfNull(owner);
        if (!IsName(owner, allowDot: false))
        {
            throw new ArgumentException("The owner is not a valid GitHub account name.", nameof(owner));
        }
    }

    /// <summary>Repository names: letters, digits, '-', '_' and '.', but never "." or "..".</summary>
    public static void ValidateRepository(string repository, string parameterName = "repository")
    {
        ArgumentNullException.ThrowIfNull(repository, parameterName);
        if (!IsName(repository, allowDot: true) || repository is "." or "..")
        {
            throw new ArgumentException("The repository is not a valid GitHub repository name.", parameterName);
        }
    }

    public static bool IsRepositoryName(string repository) => IsName(repository, allowDot: true) && repository is not ("." or "..");

    /// <summary>Permission names such as "contents" or "pull_requests".</summary>
    public static bool IsPermissionName(string name) =>
        name.Length is > 0 and <= MaxPermissionNameLength
        && name.All(static c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '_');

    /// <summary>Validates every segment of a repository file path and returns it with each segment percent-escaped.</summary>
    public static string EscapeContentPath(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (path.Length is 0 or > MaxContentPathLength)
        {
            throw new ArgumentException("The file path is empty or too long.", nameof(path));
        }

        var segments = path.Split('/');
        foreach (var segment in segments)
        {
            if (!IsSafePathSegment(segment))
            {
                throw new ArgumentException("The file path contains an empty, dot, or unsafe segment.", nameof(path));
            }
        }

        return string.Join('/', segments.Select(Uri.EscapeDataString));
    }

    /// <summary>Whether <see cref="EscapeContentPath"/> accepts the path (for paths that come from webhook payloads).</summary>
    public static bool IsContentPath(string path) =>
        path is { Length: > 0 and <= MaxContentPathLength } && path.Split('/').All(IsSafePathSegment);

    public static string CacheKey(string owner) => owner.ToUpperInvariant();

    private static bool IsName(string value, bool allowDot) =>
        value.Length is > 0 and <= MaxNameLength
        && value.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' || (allowDot && c == '.'));

    private static bool IsSafePathSegment(string segment) =>
        segment.Length > 0
        && segment is not ("." or "..")
        && !segment.Any(static c => c is '?' or '#' or '%' or '\\' || char.IsControl(c));
}
