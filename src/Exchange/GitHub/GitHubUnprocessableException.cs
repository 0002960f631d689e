namespace GithubSts.Exchange.GitHub;

/// <summary>GitHub answered 422, e.g. a permission or repository the installation does not have.</summary>
public sealed class GitHubUnprocessableException(string message, Exception? innerException = null)
    : GitHubApiException(message, 422, innerException);
