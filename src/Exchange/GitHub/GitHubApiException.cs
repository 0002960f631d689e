namespace GithubSts.Exchange.GitHub;

/// <summary>A GitHub API call failed. The message names the operation and status only, never response bodies or tokens.</summary>
public class GitHubApiException : Exception
{
    public GitHubApiException(string message, int? statusCode = null, Exception? innerException = null)
        : base(message, innerException)
    {
        StatusCode = statusCode;
    }

    /// <summary>The HTTP status GitHub answered with; null when no usable response arrived.</summary>
    public int? StatusCode { get; }
}
