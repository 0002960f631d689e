namespace GithubSts.Operator.GitHubTokens;

/// <summary>The token cannot be minted as asked, for a reason GitHub's answer made plain (e.g. too many repositories for <c>*</c>).</summary>
public sealed class GitHubTokenRefusedException : Exception
{
    public GitHubTokenRefusedException()
    {
    }

    public GitHubTokenRefusedException(string message)
        : base(message)
    {
    }

    public GitHubTokenRefusedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
