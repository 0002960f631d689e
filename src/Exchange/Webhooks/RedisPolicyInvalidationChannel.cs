using System.Security.Cryptography;
using GithubSts.Exchange.Replay;
using GithubSts.Exchange.Replay.Redis;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace GithubSts.Exchange.Webhooks;

/// <summary>
/// Invalidations shared through a Redis stream (<c>githubsts:replay:policy-invalidations</c>, under the replay
/// store's key prefix so its ACL pattern covers it): the replica that received the push adds an entry
/// (<c>XADD … MAXLEN ~ 1000</c>), every replica reads new entries once a second (<c>XREAD</c>, never blocking, so no
/// command outlives the replay store's budget) and applies those of other replicas. Pub/sub is not used: it is off on
/// the replay connection, and a message published while a replica is reconnecting would be lost, where a stream
/// entry is read when it is back.
/// </summary>
public sealed partial class RedisPolicyInvalidationChannel(
    RedisConnection connection, PolicyCacheInvalidator invalidator, TimeProvider time, ILogger<RedisPolicyInvalidationChannel> logger)
    : BackgroundService, IPolicyInvalidationChannel
{
    public const string StreamKey = RedisReplayStore.KeyPrefix + "policy-invalidations";

    /// <summary>How often each replica looks for other replicas' invalidations.</summary>
    public static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(1);

    private const int MaxStreamLength = 1000;
    private const int ReadBatch = 100;

    /// <summary>
    /// Entries added since shortly before this replica started are applied (stream ids are Redis's clock in ms): an
    /// extra invalidation only costs a read, a missed one would keep a stale policy for the cache TTL.
    /// </summary>
    private static readonly TimeSpan StartMargin = TimeSpan.FromSeconds(60);

    private readonly string _replica = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));
    private RedisValue _lastSeen = string.Create(
        System.Globalization.CultureInfo.InvariantCulture, $"{(time.GetUtcNow() - StartMargin).ToUnixTimeMilliseconds()}-0");

    public async ValueTask PublishAsync(PolicyInvalidation invalidation, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(invalidation);
        NameValueEntry[] fields =
        [
            new("replica", _replica),
            new("app", invalidation.App),
            new("owner", invalidation.Owner),
            new("repository", invalidation.Repository),
            new("directory", invalidation.Directory),
            new("paths", string.Join('\n', invalidation.Paths)),
        ];
        try
        {
            var budget = connection.Options.CommandTimeout;
            var multiplexer = await connection.GetAsync(budget, cancellationToken);
            await multiplexer.GetDatabase()
                .StreamAddAsync(StreamKey, fields, maxLength: MaxStreamLength, useApproximateMaxLength: true)
                .WaitAsync(budget, time, cancellationToken);
        }
        catch (Exception e) when (e is RedisException or TimeoutException or ReplayStoreUnavailableException)
        {
            LogPublishFailed(invalidation.App, invalidation.Owner, invalidation.Repository, e.GetType().Name);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(PollInterval, time);
        do
        {
            try
            {
                await PollOnceAsync(stoppingToken);
            }
            catch (RedisServerException e) when (e.Kind is RedisErrorKind.NoPermission or RedisErrorKind.NotPermitted)
            {
                // An ACL user without +xread (the replay store's older least-privilege line): say so once, not every second.
                LogNotPermitted(e.Message);
                return;
            }
            catch (Exception e) when (e is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
            {
                // Whatever went wrong, the poller must not stop the host: the next tick tries again.
                LogPollFailed(e.GetType().Name);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    /// <summary>Reads what other replicas added since the last poll and applies it.</summary>
    internal async Task PollOnceAsync(CancellationToken cancellationToken)
    {
        var budget = connection.Options.CommandTimeout;
        var multiplexer = await connection.GetAsync(budget, cancellationToken);
        var db = multiplexer.GetDatabase();
        while (true)
        {
            var entries = await db.StreamReadAsync(StreamKey, _lastSeen, ReadBatch).WaitAsync(budget, time, cancellationToken);
            foreach (var entry in entries)
            {
                _lastSeen = entry.Id;
                if (Read(entry) is { } invalidation && !string.Equals(entry["replica"], _replica, StringComparison.Ordinal))
                {
                    invalidator.Apply(invalidation, PolicyCacheInvalidator.FromPeer);
                }
            }

            if (entries.Length < ReadBatch)
            {
                return;
            }
        }
    }

    private static PolicyInvalidation? Read(StreamEntry entry)
    {
        string? app = entry["app"], owner = entry["owner"], repository = entry["repository"], directory = entry["directory"], paths = entry["paths"];
        if (app is null || owner is null || repository is null || directory is null || paths is null)
        {
            return null;
        }

        return new PolicyInvalidation(app, owner, repository, directory, paths.Length == 0 ? [] : paths.Split('\n'));
    }

    [LoggerMessage(EventId = 7431, Level = LogLevel.Warning,
        Message = "App {App}: the invalidation of {Owner}/{Repository} could not be shared through Redis ({Problem}); other replicas see the new file within policies.cacheTtlSeconds")]
    private partial void LogPublishFailed(string app, string owner, string repository, string problem);

    [LoggerMessage(EventId = 7433, Level = LogLevel.Warning,
        Message = "Redis refuses this replica's read of other replicas' policy invalidations ({Problem}); add +xadd +xread to its ACL user. Until then other replicas' pushes reach this cache within policies.cacheTtlSeconds")]
    private partial void LogNotPermitted(string problem);

    [LoggerMessage(EventId = 7432, Level = LogLevel.Warning, Message = "Reading other replicas' policy invalidations from Redis failed ({Problem}); trying again in a second")]
    private partial void LogPollFailed(string problem);
}
