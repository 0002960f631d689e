namespace GithubSts.Exchange.GitHub;

/// <summary>GitHub answered 401: the App JWT was refused (wrong key, clock skew) or an installation token is no longer valid.</summary>
public sealed class GitHubAuthenticationException(string message, Exception? innerException = null)
    : GitHubApiException(message, 401, innerException);
