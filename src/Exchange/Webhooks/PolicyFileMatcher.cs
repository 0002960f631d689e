using GithubSts.Exchange.Apps;
using GithubSts.Exchange.Requests;

namespace GithubSts.Exchange.Webhooks;

/// <summary>
/// Which paths of a push or pull request concern an App's repository-hosted policies: a policy file is a path the
/// App's template renders for some identity (e.g. <c>.github/sts/default/deploy.sts.yaml</c>); the policy directory is
/// the part of the template before <c>{identity}</c> (e.g. <c>.github/sts/default</c>). Paths compare ordinally:
/// GitHub paths are case-sensitive, and so are the server's reads.
/// </summary>
internal sealed class PolicyFileMatcher
{
    private const string IdentityPlaceholder = "{identity}";

    private readonly string[] _segments;
    private readonly int _identityIndex;
    private readonly string _identityPrefix;
    private readonly string _identitySuffix;

    public PolicyFileMatcher(GitHubAppRuntime app)
    {
        ArgumentNullException.ThrowIfNull(app);
        // The app name satisfies the identity grammar, so rendering {app} cannot add a segment.
        _segments = app.PolicyPath.Template.Replace("{app}", app.Name, StringComparison.Ordinal).Split('/');
        _identityIndex = Array.FindIndex(_segments, s => s.Contains(IdentityPlaceholder, StringComparison.Ordinal));
        var identitySegment = _segments[_identityIndex];
        var at = identitySegment.IndexOf(IdentityPlaceholder, StringComparison.Ordinal);
        _identityPrefix = identitySegment[..at];
        _identitySuffix = identitySegment[(at + IdentityPlaceholder.Length)..];
        Directory = string.Join('/', _segments[.._identityIndex]);
    }

    /// <summary>The policy directory ("" for the repository root).</summary>
    public string Directory { get; }

    /// <summary>Whether the path is a file the server would read as a policy for some identity.</summary>
    public bool IsPolicyFile(string path)
    {
        var parts = path.Split('/');
        if (parts.Length != _segments.Length)
        {
            return false;
        }

        for (var i = 0; i < parts.Length; i++)
        {
            if (i == _identityIndex)
            {
                if (!MatchesIdentitySegment(parts[i]))
                {
                    return false;
                }
            }
            else if (!string.Equals(parts[i], _segments[i], StringComparison.Ordinal))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Whether the path lies below the policy directory (a policy file, or anything else an author put there).</summary>
    public bool IsUnderPolicyDirectory(string path)
    {
        var parts = path.Split('/');
        if (parts.Length <= _identityIndex)
        {
            return false;
        }

        for (var i = 0; i < _identityIndex; i++)
        {
            if (!string.Equals(parts[i], _segments[i], StringComparison.Ordinal))
            {
                return false;
            }
        }

        // Only paths the contents API may be asked for: others the server could never read either.
        return GitHub.GitHubNames.IsContentPath(path);
    }

    private bool MatchesIdentitySegment(string segment)
    {
        if (segment.Length <= _identityPrefix.Length + _identitySuffix.Length
            || !segment.StartsWith(_identityPrefix, StringComparison.Ordinal)
            || !segment.EndsWith(_identitySuffix, StringComparison.Ordinal))
        {
            return false;
        }

        var identity = segment.AsSpan(_identityPrefix.Length, segment.Length - _identityPrefix.Length - _identitySuffix.Length);
        return NameGrammar.IsIdentity(identity);
    }
}
