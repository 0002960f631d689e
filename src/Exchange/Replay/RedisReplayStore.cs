using System.Globalization;
using GithubSts.Exchange.Replay.Redis;

namespace GithubSts.Exchange.Replay;

/// <summary>
/// Replay entries in Redis: reserve is <c>SET githubsts:replay:&lt;key&gt; &lt;holder&gt; NX PX ttl</c>; release is a
/// compare-and-delete script that removes the key only while its value is still this exchange's holder.
/// </summary>
public sealed class RedisReplayStore(RedisClient client) : IReplayStore, IDisposable
{
    public const string KeyPrefix = "githubsts:replay:";

    /// <summary>1 = released, 0 = absent, -1 = held by another exchange.</summary>
    internal const string ReleaseScript =
        "local v = redis.call('GET', KEYS[1]) " +
        "if v == ARGV[1] then redis.call('DEL', KEYS[1]) return 1 elseif v then return -1 end return 0";

    public async ValueTask<bool> TryReserveAsync(ReplayReservation reservation, TimeSpan ttl, CancellationToken cancellationToken)
    {
        var (key, holder) = reservation;
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(holder);
        var milliseconds = Math.Max(1, (long)Math.Ceiling(ttl.TotalMilliseconds)).ToString(CultureInfo.InvariantCulture);
        var reply = await client.ExecuteAsync(["SET", KeyPrefix + key, holder, "NX", "PX", milliseconds], cancellationToken);
        return reply switch
        {
            "OK" => true,
            null => false,
            RedisError e => throw new ReplayStoreUnavailableException("Redis SET failed: " + e.Message),
            _ => throw new ReplayStoreUnavailableException("unexpected Redis SET reply"),
        };
    }

    public async ValueTask<ReplayReleaseResult> ReleaseAsync(ReplayReservation reservation, CancellationToken cancellationToken)
    {
        var (key, holder) = reservation;
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(holder);
        var reply = await client.ExecuteAsync(["EVAL", ReleaseScript, "1", KeyPrefix + key, holder], cancellationToken);
        return reply switch
        {
            1L => ReplayReleaseResult.Released,
            0L => ReplayReleaseResult.Absent,
            -1L => ReplayReleaseResult.HeldByAnother,
            RedisError e => throw new ReplayStoreUnavailableException("Redis release failed: " + e.Message),
            _ => throw new ReplayStoreUnavailableException("unexpected Redis release reply"),
        };
    }

    public void Dispose() => client.Dispose();
}
