namespace GithubSts.Exchange.GitHub;

/// <summary>GitHub answered 404, or the App is installed on none of the places looked at.</summary>
public sealed class GitHubNotFoundException(string message, int? statusCode = 404, Exception? innerException = null)
    : GitHubApiException(message, statusCode, innerException);
