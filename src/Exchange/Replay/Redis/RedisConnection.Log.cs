using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace GithubSts.Exchange.Replay.Redis;

/// <summary>Log events of the replay store's Redis connection. Credentials are never logged.</summary>
public sealed partial class RedisConnection
{
    [LoggerMessage(EventId = 7201, Level = LogLevel.Error,
        Message = "Redis {Server} refuses this client: {Reason}. Exchanges of single-use tokens fail closed (503) and /readyz reports not ready until it is accepted; check replay.redis.username, password, the ACL (README, Replay store) and TLS settings")]
    private partial void LogRejected(string server, string reason);

    [LoggerMessage(EventId = 7202, Level = LogLevel.Information, Message = "Redis {Server} accepts this client again")]
    private partial void LogAccepted(string server);

    [LoggerMessage(EventId = 7203, Level = LogLevel.Warning,
        Message = "Lost the Redis connection to {Server} ({FailureType}); exchanges of single-use tokens fail closed (503) until it is back")]
    private partial void LogConnectionLost(System.Net.EndPoint? server, ConnectionFailureType failureType);

    [LoggerMessage(EventId = 7204, Level = LogLevel.Information, Message = "Redis connection to {Server} restored")]
    private partial void LogConnectionRestored(System.Net.EndPoint? server);
}
