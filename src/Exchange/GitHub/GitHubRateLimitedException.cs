namespace GithubSts.Exchange.GitHub;

/// <summary>GitHub rate-limited the App (or it still is, so no request was sent).</summary>
public sealed class GitHubRateLimitedException(string message, int? statusCode, TimeSpan retryAfter, Exception? innerException = null)
    : GitHubApiException(message, statusCode, innerException)
{
    /// <summary>How long to wait before calling again; at least one second.</summary>
    public TimeSpan RetryAfter { get; } = retryAfter;
}
