namespace GithubSts.Exchange.GitHub;

/// <summary>GitHub could not be used: network error, timeout, 5xx, or a malformed or untrustworthy response.</summary>
public class GitHubUnavailableException(string message, int? statusCode = null, Exception? innerException = null)
    : GitHubApiException(message, statusCode, innerException);
