using Microsoft.Extensions.Logging;

namespace GithubSts.Exchange.GitHub;

/// <summary>Log events. Tokens are never logged; response bodies only at Debug, truncated.</summary>
public sealed partial class GitHubApiClient
{
    [LoggerMessage(EventId = 4101, Level = LogLevel.Warning, Message = "GitHub {Operation} failed with status {StatusCode}")]
    private partial void LogUpstreamFailure(string operation, int statusCode);

    [LoggerMessage(EventId = 4102, Level = LogLevel.Debug, Message = "GitHub {Operation} error body ({StatusCode}, truncated): {Body}")]
    private partial void LogUpstreamErrorBody(string operation, int statusCode, string body);

    [LoggerMessage(EventId = 4103, Level = LogLevel.Warning,
        Message = "GitHub App {AppName} was rate limited on {Operation} ({StatusCode}); pausing for {RetryAfterSeconds} s")]
    private partial void LogRateLimited(string appName, string operation, int statusCode, double retryAfterSeconds);

    [LoggerMessage(EventId = 4104, Level = LogLevel.Debug,
        Message = "GitHub {Operation} for App {AppName} not sent: rate limited for another {RetryAfterSeconds} s")]
    private partial void LogRefusedWhilePaused(string appName, string operation, double retryAfterSeconds);

    [LoggerMessage(EventId = 4105, Level = LogLevel.Information, Message = "Retrying GitHub {Operation} once after a {Reason}")]
    private partial void LogRetrying(string operation, string reason);

    [LoggerMessage(EventId = 4106, Level = LogLevel.Warning, Message = "GitHub {Operation} could not be reached")]
    private partial void LogUnreachable(Exception exception, string operation);

    [LoggerMessage(EventId = 4107, Level = LogLevel.Warning, Message = "GitHub {Operation} timed out after {TimeoutSeconds} s")]
    private partial void LogTimedOut(string operation, double timeoutSeconds);

    [LoggerMessage(EventId = 4108, Level = LogLevel.Warning, Message = "GitHub {Operation} returned a malformed response: {Reason}")]
    private partial void LogMalformedResponse(string operation, string reason);

    [LoggerMessage(EventId = 4109, Level = LogLevel.Error,
        Message = "GitHub minted a token for installation {InstallationId} of App {AppName} with {Reason}; it was revoked")]
    private partial void LogMintEscalation(long installationId, string appName, string reason);

    [LoggerMessage(EventId = 4110, Level = LogLevel.Warning, Message = "Revoking an installation token of App {AppName} failed")]
    private partial void LogRevokeFailed(Exception exception, string appName);

    [LoggerMessage(EventId = 4111, Level = LogLevel.Debug, Message = "App {AppName} installation for {Owner}: {InstallationId}")]
    private partial void LogInstallationResolved(string appName, string owner, long? installationId);

    [LoggerMessage(EventId = 4112, Level = LogLevel.Debug, Message = "GitHub contents read returned JSON metadata (a directory or non-file), not file content")]
    private partial void LogContentsNotAFile();

    [LoggerMessage(EventId = 4113, Level = LogLevel.Warning, Message = "GitHub contents read exceeded the {MaxBytes}-byte limit and was aborted")]
    private partial void LogContentsTooLarge(int maxBytes);
}
