using System.Globalization;
using GithubSts.Exchange.Replay.Redis;

namespace GithubSts.Exchange.Replay;

/// <summary>Replay entries in Redis: <c>SET githubsts:replay:&lt;key&gt; 1 NX PX ttl</c>; release is <c>DEL</c>.</summary>
public sealed class RedisReplayStore(RedisClient client) : IReplayStore, IDisposable
{
    public const string KeyPrefix = "githubsts:replay:";

    public async ValueTask<bool> TryReserveAsync(string key, TimeSpan ttl, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        var milliseconds = Math.Max(1, (long)Math.Ceiling(ttl.TotalMilliseconds)).ToString(CultureInfo.InvariantCulture);
        var reply = await client.ExecuteAsync(["SET", KeyPrefix + key, "1", "NX", "PX", milliseconds], cancellationToken);
        return reply switch
        {
            "OK" => true,
            null => false,
            RedisError e => throw new ReplayStoreUnavailableException("Redis SET failed: " + e.Message),
            _ => throw new ReplayStoreUnavailableException("unexpected Redis SET reply"),
        };
    }

    public async ValueTask ReleaseAsync(string key, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (await client.ExecuteAsync(["DEL", KeyPrefix + key], cancellationToken) is RedisError e)
        {
            throw new ReplayStoreUnavailableException("Redis DEL failed: " + e.Message);
        }
    }

    public void Dispose() => client.Dispose();
}
