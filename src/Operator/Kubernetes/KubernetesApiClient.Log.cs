using Microsoft.Extensions.Logging;

namespace GithubSts.Operator.Kubernetes;

/// <summary>Log events. Tokens and request bodies are never logged.</summary>
public sealed partial class KubernetesApiClient
{
    [LoggerMessage(EventId = 6001, Level = LogLevel.Debug, Message = "Kubernetes {Operation} {Method} {Path} failed with {StatusCode} ({Reason})")]
    private partial void LogFailed(string operation, string method, string path, int statusCode, string? reason);

    [LoggerMessage(EventId = 6002, Level = LogLevel.Debug, Message = "Kubernetes {Operation} failed (timed out: {TimedOut})")]
    private partial void LogUnavailable(Exception exception, string operation, bool timedOut);

    [LoggerMessage(EventId = 6004, Level = LogLevel.Information, Message = "Kubernetes {Operation} was throttled (429); retrying in {RetryAfterSeconds} s")]
    private partial void LogThrottled(string operation, double retryAfterSeconds);

    [LoggerMessage(EventId = 6006, Level = LogLevel.Debug, Message = "Watch {Path} started over HTTP/{Version}")]
    private partial void LogWatchStarted(string path, Version version);

    [LoggerMessage(EventId = 6005, Level = LogLevel.Debug, Message = "Watch {Path} reached its client-side deadline; ending it")]
    private partial void LogWatchDeadline(string path);
}
