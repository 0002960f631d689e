namespace GithubSts.Exchange.Replay.Redis;

/// <summary>Validated Redis settings of the replay store (<c>replay.redis</c>).</summary>
public sealed class RedisReplayOptions
{
    /// <summary>The server (single node), or the Sentinels when <see cref="SentinelServiceName"/> is set.</summary>
    public required IReadOnlyList<RedisEndpoint> Endpoints { get; init; }

    /// <summary>The Sentinel service (master) name; null for a single node.</summary>
    public string? SentinelServiceName { get; init; }

    /// <summary>ACL user; null means the <c>default</c> user (password-only AUTH).</summary>
    public string? Username { get; init; }

    public string? Password { get; init; }

    /// <summary>Sentinel credentials when they differ from the Redis ones (null: the Redis ones are used).</summary>
    public string? SentinelUsername { get; init; }

    public string? SentinelPassword { get; init; }

    public bool Tls { get; init; }

    /// <summary>PEM file of the CA that signed the server certificate (private CA); null: the system trust store.</summary>
    public string? TlsCaFile { get; init; }

    /// <summary>The name the server certificate must carry; null: each endpoint's host.</summary>
    public string? TlsServerName { get; init; }

    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromMilliseconds(250);

    /// <summary>The whole budget of one replay operation, reconnect wait included.</summary>
    public TimeSpan CommandTimeout { get; init; } = TimeSpan.FromMilliseconds(500);

    public bool IsSentinel => SentinelServiceName is not null;
}
