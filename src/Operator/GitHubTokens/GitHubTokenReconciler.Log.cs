using Microsoft.Extensions.Logging;

namespace GithubSts.Operator.GitHubTokens;

public sealed partial class GitHubTokenReconciler
{
    [LoggerMessage(EventId = 6401, Level = LogLevel.Information, Message = "GitHubToken {Namespace}/{Name}: token {Kind} for app {App}, scope {Scope}, expires {ExpiresAt:o}")]
    private partial void LogMinted(string? @namespace, string? name, string kind, string app, string scope, DateTimeOffset expiresAt);

    [LoggerMessage(EventId = 6402, Level = LogLevel.Warning, Message = "GitHubToken {Namespace}/{Name}: minting failed ({Reason}); retrying in {Seconds} s, the current token is kept")]
    private partial void LogMintFailed(string? @namespace, string? name, string reason, double seconds);

    [LoggerMessage(EventId = 6403, Level = LogLevel.Information, Message = "GitHubToken {Namespace}/{Name}: token revoked ({Cause}; revoked at GitHub: {Revoked})")]
    private partial void LogRevoked(string? @namespace, string? name, string cause, bool revoked);

    [LoggerMessage(EventId = 6404, Level = LogLevel.Warning, Message = "GitHubToken {Namespace}/{Name}: GitHub did not revoke the token (status {Status}); it expires on its own")]
    private partial void LogRevokeFailed(string? @namespace, string? name, int? status);

    [LoggerMessage(EventId = 6405, Level = LogLevel.Warning, Message = "GitHubToken {Namespace}/{Name}: Secret {Secret} exists and is not owned by it; left untouched")]
    private partial void LogSecretConflict(string? @namespace, string? name, string secret);
}
